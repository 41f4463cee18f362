/* A tiny "gateway" behind the guest's virtio-net device: answers ARP requests for the gateway's IPv4
 * address (RFC 826) and ICMP echo requests sent to it (RFC 792), so `ping 10.0.2.2` works although
 * there is no real network. Pure: no allocation, no global state; every input byte is guest-controlled.
 *
 * What is answered (everything else, including malformed or truncated frames, returns 0 and counts
 * in `ignored`):
 *   ARP:  Ethernet II type 0x0806 to broadcast/multicast or to r->mac; htype 1, ptype 0x0800, hlen 6,
 *         plen 4, oper 1 (request), target protocol address == r->ip; the sender hardware address is
 *         unicast and the request is not gratuitous (sender protocol address != target).
 *   ICMP: Ethernet II type 0x0800 unicast to r->mac from a unicast source; IPv4 version 4, IHL >= 5
 *         (options accepted but not reflected: the reply has IHL 5, no options), header checksum
 *         valid, total length within the frame (Ethernet padding after it is ignored), not a
 *         fragment (MF clear, offset 0), protocol 1, destination == r->ip, source a unicast address;
 *         ICMP type 8 code 0 with a valid checksum over the whole ICMP message.
 * Replies are Ethernet II frames without FCS, zero-padded to the 60-byte minimum.
 */
#ifndef DEVICES_NET_RESPONDER_H
#define DEVICES_NET_RESPONDER_H
#include <stddef.h>
#include <stdint.h>

#define NET_RESPONDER_MIN_FRAME 60 /* Ethernet minimum frame length without the 4-byte FCS */

struct net_responder {
	uint8_t mac[6];                              /* the gateway's MAC, e.g. 52:54:00:12:35:02 */
	uint32_t ip;                                 /* the gateway's IPv4 address, host byte order */
	uint64_t arp_replies, echo_replies, ignored; /* statistics */
};

void net_responder_init(struct net_responder *r, const uint8_t mac[6], uint32_t ip);

/* Handles one frame from the guest (Ethernet II, no FCS, `len` bytes). If it is an ARP request for
 * r->ip or an ICMP echo request to r->ip (see above), writes the reply frame into `out` (capacity
 * `out_cap`) and returns its length (>= 60); else returns 0. Never reads frame[len..] and never writes
 * out[out_cap..]; writes nothing when it returns 0. `out` may be the same buffer as `frame` (the reply
 * is built in place; any overlap is allowed). The IPv4 identification of replies is the low 16 bits
 * of echo_replies (a per-responder counter); DF is clear, TTL 64, the TOS copied from the request
 * without its ECN bits. */
size_t net_responder_handle(struct net_responder *r, const uint8_t *frame, size_t len, uint8_t *out, size_t out_cap);

#endif

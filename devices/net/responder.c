/* The virtio-net "gateway": ARP replies (RFC 826) and ICMP echo replies (RFC 792) for one IPv4
 * address. See responder.h for exactly what is answered. Every length is checked against `len`
 * before the bytes it covers are read; nothing is written to `out` until the reply is known to fit. */
#include "devices/net/responder.h"
#include "lib/string.h"
#include <stdbool.h>

#define ETH_ALEN 6
#define ETH_HLEN 14          /* destination, source, EtherType */
#define ETH_P_IPV4 0x0800
#define ETH_P_ARP 0x0806
#define ARP_LEN 28           /* RFC 826 packet for Ethernet/IPv4: 8 fixed bytes, 2 * (6 + 4) addresses */
#define ARP_HRD_ETHER 1
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2
#define IP_HLEN 20           /* RFC 791 3.1: IHL 5, no options */
#define IP_PROTO_ICMP 1
#define IP_TTL 64
#define IP_MF_OFFSET 0x3fff  /* RFC 791 3.1: More Fragments flag and the 13-bit Fragment Offset */
#define ICMP_HLEN 8          /* RFC 792: type, code, checksum, identifier, sequence number */
#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO 8

/* Network byte order (big-endian) accessors. */
static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Group (broadcast or multicast) MAC: the I/G bit, the least significant bit of the first octet. */
static bool mac_is_group(const uint8_t *mac)
{
	return mac[0] & 1;
}

/* An address a reply can be sent to: not 0.0.0.0, not multicast (224/4), not 240/4 (which includes the
 * limited broadcast 255.255.255.255). */
static bool ip_is_unicast(uint32_t ip)
{
	return ip != 0 && ip < 0xe0000000u;
}

/* The Internet checksum (RFC 791 3.1, RFC 792, computed as in RFC 1071): the 16-bit one's complement
 * sum of big-endian 16-bit words, an odd trailing byte padded with a zero byte. At most 64 KiB are
 * summed here (IPv4 total length is 16 bits), so a 32-bit accumulator cannot overflow. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (; n >= 2; p += 2, n -= 2)
		sum += get16(p);
	if (n)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Data whose checksum field is filled in sums to 0xffff (one's complement -0). */
static bool csum_ok(const uint8_t *p, size_t n)
{
	return csum_fold(csum_add(0, p, n)) == 0xffff;
}

/* The checksum field value for data whose checksum field is zero. */
static uint16_t csum_of(const uint8_t *p, size_t n)
{
	return (uint16_t)~csum_fold(csum_add(0, p, n));
}

void net_responder_init(struct net_responder *r, const uint8_t mac[6], uint32_t ip)
{
	memset(r, 0, sizeof *r);
	memcpy(r->mac, mac, ETH_ALEN);
	r->ip = ip;
}

/* RFC 826 "Packet Reception": a request (ar$op = 1) for Ethernet/IPv4 whose target protocol address is
 * ours is answered with the sender and target fields swapped, our addresses as the sender and
 * ar$op = 2, sent to the requester's hardware address. We keep no ARP table (the reply is all the
 * guest needs), so the "merge" step is skipped. */
static size_t arp_reply(struct net_responder *r, const uint8_t *f, size_t len, uint8_t *out, size_t out_cap)
{
	const uint8_t *a = f + ETH_HLEN;
	uint8_t sha[ETH_ALEN];
	uint32_t spa, tpa;

	if (len < ETH_HLEN + ARP_LEN || out_cap < NET_RESPONDER_MIN_FRAME)
		return 0;
	/* Requests are broadcast; Linux also unicasts them to refresh a cached entry. A unicast frame for
	 * another station is not ours (a NIC's address filter would drop it). */
	if (!mac_is_group(f) && memcmp(f, r->mac, ETH_ALEN) != 0)
		return 0;
	/* ar$hrd = Ethernet, ar$pro = IPv4, ar$hln = 6, ar$pln = 4, ar$op = request */
	if (get16(a) != ARP_HRD_ETHER || get16(a + 2) != ETH_P_IPV4 || a[4] != ETH_ALEN || a[5] != 4 ||
	    get16(a + 6) != ARP_OP_REQUEST)
		return 0;
	memcpy(sha, a + 8, ETH_ALEN); /* ar$sha */
	spa = get32(a + 14);          /* ar$spa */
	tpa = get32(a + 24);          /* ar$tpa (ar$tha at a + 18 is ignored in requests) */
	/* Only requests for our address; not gratuitous ARP (spa == tpa announces, it asks nothing); the
	 * reply goes to ar$sha, which must be a station address. */
	if (tpa != r->ip || spa == tpa || mac_is_group(sha))
		return 0;

	/* Everything read from the request is in locals now, so `out` may overlap `f`. */
	memcpy(out, sha, ETH_ALEN);
	memcpy(out + 6, r->mac, ETH_ALEN);
	put16(out + 12, ETH_P_ARP);
	uint8_t *o = out + ETH_HLEN;
	put16(o, ARP_HRD_ETHER);
	put16(o + 2, ETH_P_IPV4);
	o[4] = ETH_ALEN;
	o[5] = 4;
	put16(o + 6, ARP_OP_REPLY);
	memcpy(o + 8, r->mac, ETH_ALEN); /* ar$sha: us */
	put32(o + 14, r->ip);            /* ar$spa */
	memcpy(o + 18, sha, ETH_ALEN);   /* ar$tha: the requester */
	put32(o + 24, spa);              /* ar$tpa */
	memset(out + ETH_HLEN + ARP_LEN, 0, NET_RESPONDER_MIN_FRAME - (ETH_HLEN + ARP_LEN));
	return NET_RESPONDER_MIN_FRAME;
}

/* RFC 792 "Echo or Echo Reply Message": the reply is the request with type 0, the IP source and
 * destination swapped and both checksums recomputed; identifier, sequence number and data are
 * returned unchanged (RFC 1122 3.2.2.6: the data MUST be returned entirely).
 *
 * IP options of the request are not reflected: the reply always has IHL 5. RFC 1122 3.2.2.6 says
 * Record Route / Timestamp options SHOULD be updated and returned, and 3.2.1.8 that a received source
 * route be reversed; a gateway with no network behind it has no route to record, and `ping -R` still
 * works (it just shows no recorded hops). The identification is a per-responder counter (RFC 791
 * 3.2: unique per source/destination/protocol while the datagram may be alive); DF is clear, the TTL
 * 64, and the DSCP/precedence bits of the TOS octet copied from the request (RFC 1812 4.3.2.5: an ICMP
 * reply keeps the request's precedence) but not its two ECN bits (RFC 3168 sets them per connection). */
static size_t echo_reply(struct net_responder *r, const uint8_t *f, size_t len, uint8_t *out, size_t out_cap)
{
	const uint8_t *ip = f + ETH_HLEN;
	size_t hl, total, icmp_len, reply_len;
	uint8_t peer_mac[ETH_ALEN];
	uint32_t peer_ip;
	uint8_t tos;

	if (len < ETH_HLEN + IP_HLEN)
		return 0;
	/* Only unicast to our MAC, from a station address the reply can go back to. */
	if (memcmp(f, r->mac, ETH_ALEN) != 0 || mac_is_group(f + 6))
		return 0;
	/* RFC 791 3.1: Version 4; IHL in 32-bit words, at least 5; Total Length covers header and data and
	 * must lie within the frame (the frame may carry Ethernet padding after it). hl <= total <= len - 14
	 * makes the whole header and the ICMP message readable. */
	if (ip[0] >> 4 != 4)
		return 0;
	hl = (size_t)(ip[0] & 0xf) * 4;
	total = get16(ip + 2);
	if (hl < IP_HLEN || total < hl + ICMP_HLEN || total > len - ETH_HLEN)
		return 0;
	if ((get16(ip + 6) & IP_MF_OFFSET) != 0 || ip[9] != IP_PROTO_ICMP || get32(ip + 16) != r->ip)
		return 0; /* a fragment (no reassembly here), not ICMP, or not to us */
	peer_ip = get32(ip + 12);
	if (!ip_is_unicast(peer_ip) || !csum_ok(ip, hl))
		return 0;
	/* RFC 792: type 8 code 0; the checksum covers the whole ICMP message (header and data). */
	const uint8_t *icmp = ip + hl;
	icmp_len = total - hl;
	if (icmp[0] != ICMP_ECHO || icmp[1] != 0 || !csum_ok(icmp, icmp_len))
		return 0;
	reply_len = ETH_HLEN + IP_HLEN + icmp_len;
	if (reply_len > out_cap || out_cap < NET_RESPONDER_MIN_FRAME)
		return 0;

	/* Read what is still needed from the request, then move the ICMP message to its place in the
	 * reply (memmove: `out` may overlap `f`), then write the headers around it. */
	memcpy(peer_mac, f + 6, ETH_ALEN);
	tos = ip[1] & 0xfc;
	memmove(out + ETH_HLEN + IP_HLEN, icmp, icmp_len);

	memcpy(out, peer_mac, ETH_ALEN);
	memcpy(out + 6, r->mac, ETH_ALEN);
	put16(out + 12, ETH_P_IPV4);

	uint8_t *o = out + ETH_HLEN;
	o[0] = 0x45; /* version 4, IHL 5 */
	o[1] = tos;
	put16(o + 2, (uint16_t)(IP_HLEN + icmp_len)); /* icmp_len <= 65535 - 20: fits */
	put16(o + 4, (uint16_t)r->echo_replies);     /* identification */
	put16(o + 6, 0);                              /* flags and fragment offset */
	o[8] = IP_TTL;
	o[9] = IP_PROTO_ICMP;
	put16(o + 10, 0);
	put32(o + 12, r->ip);
	put32(o + 16, peer_ip);
	put16(o + 10, csum_of(o, IP_HLEN));

	uint8_t *m = o + IP_HLEN;
	m[0] = ICMP_ECHO_REPLY;
	m[1] = 0;
	put16(m + 2, 0);
	put16(m + 2, csum_of(m, icmp_len));

	if (reply_len < NET_RESPONDER_MIN_FRAME) {
		memset(out + reply_len, 0, NET_RESPONDER_MIN_FRAME - reply_len);
		reply_len = NET_RESPONDER_MIN_FRAME;
	}
	return reply_len;
}

size_t net_responder_handle(struct net_responder *r, const uint8_t *frame, size_t len, uint8_t *out, size_t out_cap)
{
	size_t n = 0;

	if (len >= ETH_HLEN) {
		uint16_t type = get16(frame + 12);
		if (type == ETH_P_ARP) {
			n = arp_reply(r, frame, len, out, out_cap);
			r->arp_replies += n != 0;
		} else if (type == ETH_P_IPV4) {
			n = echo_reply(r, frame, len, out, out_cap);
			r->echo_replies += n != 0;
		}
	}
	r->ignored += n == 0;
	return n;
}

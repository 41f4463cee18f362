/* Host tests for devices/net/responder.c: ARP and ICMP echo frames as a Linux guest sends them, the
 * replies checked byte by byte (checksums recomputed here independently), every kind of frame that
 * must be ignored, truncation at every length (inputs in exact-size heap blocks, so an out-of-bounds
 * read shows under valgrind or -fsanitize=address), and 100k random and mutated frames. */
#include "devices/net/responder.h"
#include "tests/check.h"
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t gw_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x35, 0x02 };
static const uint8_t guest_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
#define GW_IP 0x0a000202u    /* 10.0.2.2 */
#define GUEST_IP 0x0a00020fu /* 10.0.2.15 */

static void be16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void be32(uint8_t *p, uint32_t v)
{
	be16(p, v >> 16);
	be16(p + 2, v & 0xffff);
}

static unsigned rd16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)rd16(p) << 16 | rd16(p + 2);
}

/* Internet checksum, written independently of the module: the one's complement of the end-around-carry
 * sum of 16-bit big-endian words; returns the value that goes in the checksum field when the field is
 * zero, and 0 over data with a correct checksum. */
static unsigned inet_sum(const uint8_t *p, size_t n)
{
	uint64_t s = 0;
	for (size_t i = 0; i < n; i++)
		s += (i & 1) ? p[i] : (uint64_t)p[i] << 8;
	while (s > 0xffff)
		s = (s >> 16) + (s & 0xffff);
	return (~s) & 0xffff;
}

/* ARP request (RFC 826) as Linux sends it: 42 bytes, no padding (virtio-net has no minimum). */
static size_t make_arp(uint8_t *f, const uint8_t *dst, unsigned op, uint32_t spa, uint32_t tpa)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, guest_mac, 6);
	be16(f + 12, 0x0806);
	be16(f + 14, 1);
	be16(f + 16, 0x0800);
	f[18] = 6;
	f[19] = 4;
	be16(f + 20, op);
	memcpy(f + 22, guest_mac, 6);
	be32(f + 28, spa);
	memset(f + 32, 0, 6);
	be32(f + 38, tpa);
	return 42;
}

/* ICMP echo request (RFC 792) in IPv4 with `opt_len` bytes of options (a multiple of 4) and
 * `data_len` bytes of data; data bytes as Linux ping fills them after its 8-byte timestamp. */
static size_t make_echo(uint8_t *f, size_t opt_len, size_t data_len, unsigned id, unsigned seq)
{
	uint8_t *ip = f + 14, *icmp;
	size_t hl = 20 + opt_len;

	memcpy(f, gw_mac, 6);
	memcpy(f + 6, guest_mac, 6);
	be16(f + 12, 0x0800);
	ip[0] = (uint8_t)(0x40 | hl / 4);
	ip[1] = 0;
	be16(ip + 2, (unsigned)(hl + 8 + data_len));
	be16(ip + 4, 0xbeef);
	be16(ip + 6, 0x4000); /* DF, as Linux ping sets it */
	ip[8] = 64;
	ip[9] = 1;
	be16(ip + 10, 0);
	be32(ip + 12, GUEST_IP);
	be32(ip + 16, GW_IP);
	if (opt_len) { /* Record Route with room for (opt_len - 4) / 4 addresses, then End of Option List */
		memset(ip + 20, 0, opt_len);
		ip[20] = 7;
		ip[21] = (uint8_t)(opt_len - 1);
		ip[22] = 4;
	}
	be16(ip + 10, inet_sum(ip, hl));
	icmp = ip + hl;
	icmp[0] = 8;
	icmp[1] = 0;
	be16(icmp + 2, 0);
	be16(icmp + 4, id);
	be16(icmp + 6, seq);
	for (size_t i = 0; i < data_len; i++)
		icmp[8 + i] = i < 8 ? (uint8_t)(0xa0 + i) : (uint8_t)i; /* timestamp, then 0x08, 0x09, ... */
	be16(icmp + 2, inet_sum(icmp, 8 + data_len));
	return 14 + hl + 8 + data_len;
}

/* Refresh the IP header checksum / ICMP checksum of a frame built by make_echo after editing it. */
static void fix_ip_sum(uint8_t *f)
{
	size_t hl = (size_t)(f[14] & 0xf) * 4;
	be16(f + 24, 0);
	be16(f + 24, inet_sum(f + 14, hl));
}

static void fix_icmp_sum(uint8_t *f)
{
	size_t hl = (size_t)(f[14] & 0xf) * 4, total = rd16(f + 16);
	be16(f + 14 + hl + 2, 0);
	be16(f + 14 + hl + 2, inet_sum(f + 14 + hl, total - hl));
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* A correct ARP reply to `req`: 60 bytes, addresses swapped, zero padding. */
static bool arp_reply_ok(const uint8_t *rep, size_t n, const uint8_t *req, const struct net_responder *r)
{
	return n == 60 && !memcmp(rep, req + 22, 6) && !memcmp(rep + 6, r->mac, 6) && rd16(rep + 12) == 0x0806 &&
	       rd16(rep + 14) == 1 && rd16(rep + 16) == 0x0800 && rep[18] == 6 && rep[19] == 4 && rd16(rep + 20) == 2 &&
	       !memcmp(rep + 22, r->mac, 6) && rd32(rep + 28) == r->ip && !memcmp(rep + 32, req + 22, 6) &&
	       !memcmp(rep + 38, req + 28, 4) && all_zero(rep + 42, 18);
}

/* A correct echo reply to the echo request `req` (any IHL): IHL 5, TTL 64, no fragment bits, checksums
 * valid, ICMP message identical but for type and checksum, zero padding to 60. */
static bool echo_reply_ok(const uint8_t *rep, size_t n, const uint8_t *req, const struct net_responder *r)
{
	size_t hl = (size_t)(req[14] & 0xf) * 4, icmp_len = rd16(req + 16) - hl, want = 34 + icmp_len;
	const uint8_t *q = req + 14 + hl, *ip = rep + 14, *m = rep + 34;
	if (n != (want < 60 ? 60 : want))
		return false;
	return !memcmp(rep, req + 6, 6) && !memcmp(rep + 6, r->mac, 6) && rd16(rep + 12) == 0x0800 && ip[0] == 0x45 &&
	       ip[1] == (req[15] & 0xfc) && rd16(ip + 2) == 20 + icmp_len && rd16(ip + 6) == 0 && ip[8] == 64 && ip[9] == 1 &&
	       inet_sum(ip, 20) == 0 && rd32(ip + 12) == r->ip && !memcmp(ip + 16, req + 26, 4) && m[0] == 0 && m[1] == 0 &&
	       inet_sum(m, icmp_len) == 0 && !memcmp(m + 4, q + 4, icmp_len - 4) && all_zero(rep + want, n - want);
}

/* Runs the responder on a copy of frame[0..len) in an exact-size heap block, with an exact-size output
 * block of out_cap bytes, then copies the reply to `rep` (if non-null). */
static size_t run(struct net_responder *r, const uint8_t *frame, size_t len, size_t out_cap, uint8_t *rep)
{
	uint8_t *in = malloc(len ? len : 1), *out = malloc(out_cap ? out_cap : 1);
	memcpy(in, frame, len);
	memset(out, 0xaa, out_cap);
	size_t n = net_responder_handle(r, in, len, out, out_cap);
	if (rep)
		memcpy(rep, out, n <= out_cap ? n : out_cap);
	bool untouched = true;
	if (n == 0)
		for (size_t i = 0; i < out_cap; i++)
			untouched &= out[i] == 0xaa;
	free(in);
	free(out);
	return untouched ? n : (size_t)-1; /* -1: wrote output although it ignored the frame */
}

#include "tests/decode/rng.h"

static void test_arp(void)
{
	struct net_responder r;
	uint8_t f[128], rep[2048];
	size_t len, n;

	net_responder_init(&r, gw_mac, GW_IP);
	CHECK(!memcmp(r.mac, gw_mac, 6) && r.ip == GW_IP && !r.arp_replies && !r.echo_replies && !r.ignored,
	      "init: MAC, IP, zero statistics");

	len = make_arp(f, bcast, 1, GUEST_IP, GW_IP);
	n = run(&r, f, len, 1514, rep);
	static const uint8_t expect[60] = {
		0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x52, 0x54, 0x00, 0x12, 0x35, 0x02, 0x08, 0x06, /* Ethernet */
		0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x02,                                           /* reply */
		0x52, 0x54, 0x00, 0x12, 0x35, 0x02, 10, 0, 2, 2,                                    /* sender: gw */
		0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 10, 0, 2, 15,                                   /* target: guest */
	};
	CHECK(n == 60 && !memcmp(rep, expect, 60), "ARP who-has 10.0.2.2 tell 10.0.2.15: 60-byte reply, exact bytes");
	CHECK(r.arp_replies == 1 && r.ignored == 0 && r.echo_replies == 0, "ARP reply counted");

	len = make_arp(f, gw_mac, 1, GUEST_IP, GW_IP);
	n = run(&r, f, len, 60, rep);
	CHECK(arp_reply_ok(rep, n, f, &r), "ARP request unicast to the gateway MAC (Linux re-validation), out_cap exactly 60");
	len = make_arp(f, bcast, 1, GUEST_IP, GW_IP);
	memset(f + len, 0x5a, 18); /* Ethernet padding with junk after the ARP packet */
	n = run(&r, f, 60, 1514, rep);
	CHECK(arp_reply_ok(rep, n, f, &r), "ARP request with 18 bytes of Ethernet padding");
	len = make_arp(f, (const uint8_t[6]){ 0x33, 0x33, 0, 0, 0, 1 }, 1, 0, GW_IP);
	n = run(&r, f, len, 1514, rep);
	CHECK(arp_reply_ok(rep, n, f, &r) && rd32(rep + 38) == 0, "ARP probe (sender IP 0.0.0.0, multicast destination) answered");
	CHECK(r.arp_replies == 4 && r.ignored == 0, "statistics after 4 ARP replies");

	/* ignored */
	uint64_t ign = r.ignored;
	len = make_arp(f, bcast, 1, GUEST_IP, GW_IP + 1);
	CHECK(run(&r, f, len, 1514, NULL) == 0, "ARP for another IP (10.0.2.3) ignored");
	len = make_arp(f, bcast, 2, GUEST_IP, GW_IP);
	CHECK(run(&r, f, len, 1514, NULL) == 0, "ARP reply (oper 2) ignored");
	len = make_arp(f, bcast, 1, GW_IP, GW_IP);
	CHECK(run(&r, f, len, 1514, NULL) == 0, "gratuitous ARP (sender IP == target IP == 10.0.2.2) ignored");
	len = make_arp(f, (const uint8_t[6]){ 0x52, 0x54, 0, 0x12, 0x35, 0x03 }, 1, GUEST_IP, GW_IP);
	CHECK(run(&r, f, len, 1514, NULL) == 0, "ARP request unicast to another MAC ignored");
	len = make_arp(f, bcast, 1, GUEST_IP, GW_IP);
	f[22] |= 1;
	CHECK(run(&r, f, len, 1514, NULL) == 0, "ARP request with a multicast sender hardware address ignored");
	static const struct {
		unsigned off, val;
		const char *what;
	} bad[] = { { 15, 6, "htype 6" }, { 17, 0x86, "ptype 0x86dd" }, { 18, 8, "hlen 8" }, { 19, 16, "plen 16" },
		    { 21, 3, "oper 3 (RARP)" }, { 13, 0x35, "EtherType 0x8035" } };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		len = make_arp(f, bcast, 1, GUEST_IP, GW_IP);
		f[bad[i].off] = (uint8_t)bad[i].val;
		CHECK(run(&r, f, len, 1514, NULL) == 0, "ARP with %s ignored", bad[i].what);
	}
	len = make_arp(f, bcast, 1, GUEST_IP, GW_IP);
	CHECK(run(&r, f, len, 59, NULL) == 0, "ARP with out_cap 59 ignored, output untouched");
	CHECK(r.ignored == ign + 12 && r.arp_replies == 4, "ignored frames counted (%llu)", (unsigned long long)(r.ignored - ign));

	/* in place: out == frame */
	uint8_t buf[1514];
	len = make_arp(f, bcast, 1, GUEST_IP, GW_IP);
	memcpy(buf, f, len);
	n = net_responder_handle(&r, buf, len, buf, sizeof buf);
	CHECK(arp_reply_ok(buf, n, f, &r), "ARP reply built in place (out == frame)");

	/* every truncation of the request */
	len = make_arp(f, bcast, 1, GUEST_IP, GW_IP);
	bool ok = true;
	for (size_t l = 0; l < len; l++)
		ok &= run(&r, f, l, 1514, NULL) == 0;
	CHECK(ok, "ARP request truncated to every length 0..41 ignored");
}

static void test_echo(void)
{
	struct net_responder r;
	uint8_t f[70000], rep[70000];
	size_t len, n;

	net_responder_init(&r, gw_mac, GW_IP);
	len = make_echo(f, 0, 56, 0x1234, 1);
	n = run(&r, f, len, 1514, rep);
	CHECK(len == 98 && echo_reply_ok(rep, n, f, &r), "ping 10.0.2.2 (56 data bytes): 98-byte reply, checksums valid");
	static const uint8_t head[] = {
		0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x52, 0x54, 0x00, 0x12, 0x35, 0x02, 0x08, 0x00, /* Ethernet */
		0x45, 0x00, 0x00, 84, 0x00, 0x00, 0x00, 0x00, 64, 1,                                /* IP, id 0 */
	};
	CHECK(!memcmp(rep, head, sizeof head) && rd32(rep + 26) == GW_IP && rd32(rep + 30) == GUEST_IP,
	      "echo reply headers: MACs swapped, IHL 5, length 84, id 0, no DF, TTL 64, 10.0.2.2 -> 10.0.2.15");
	CHECK(rep[34] == 0 && rep[35] == 0 && rd16(rep + 38) == 0x1234 && rd16(rep + 40) == 1 && !memcmp(rep + 42, f + 42, 56),
	      "echo reply: type 0 code 0, id/seq and 56 data bytes identical");
	/* ICMP checksum: type 8 -> 0 changes the sum by 0x0800 (RFC 1624); check against that too */
	CHECK(((rd16(f + 36) + 0x0800) % 0xffff) == rd16(rep + 36) || (rd16(f + 36) + 0x0800 == 0xffff && rd16(rep + 36) == 0xffff),
	      "ICMP checksum equals the incremental update of the request's (0x%04x -> 0x%04x)", rd16(f + 36), rd16(rep + 36));
	CHECK(r.echo_replies == 1 && r.ignored == 0, "echo reply counted");

	len = make_echo(f, 0, 56, 0x1234, 2);
	f[15] = 0xb9; /* DSCP 46, ECN 01 */
	fix_ip_sum(f);
	n = run(&r, f, len, 98, rep);
	CHECK(echo_reply_ok(rep, n, f, &r) && rd16(rep + 18) == 1 && rep[15] == 0xb8,
	      "second reply: id 1, DSCP copied without ECN bits, out_cap exactly 98");

	len = make_echo(f, 0, 56, 0x1234, 3);
	CHECK(run(&r, f, len, 97, NULL) == 0, "echo with out_cap 97 (< 98) ignored, output untouched");

	/* short echo: padded reply; junk Ethernet padding in the request is not echoed */
	len = make_echo(f, 0, 4, 7, 9);
	memset(f + len, 0x77, 60 - len);
	n = run(&r, f, 60, 1514, rep);
	CHECK(len == 46 && echo_reply_ok(rep, n, f, &r), "echo with 4 data bytes + 14 bytes of Ethernet padding: 60-byte reply, zero padding");
	len = make_echo(f, 0, 0, 7, 10);
	n = run(&r, f, len, 60, rep);
	CHECK(len == 42 && echo_reply_ok(rep, n, f, &r), "echo without data (42-byte frame): 60-byte reply");
	CHECK(run(&r, f, len, 59, NULL) == 0, "echo without data, out_cap 59 ignored");
	len = make_echo(f, 0, 7, 0xffff, 0xffff);
	n = run(&r, f, len, 1514, rep);
	CHECK(echo_reply_ok(rep, n, f, &r), "echo with odd data length (7): checksums valid");
	len = make_echo(f, 0, 1472, 0xabcd, 42);
	n = run(&r, f, len, 1514, rep);
	CHECK(len == 1514 && echo_reply_ok(rep, n, f, &r), "echo filling a 1514-byte frame (ping -s 1472)");
	len = make_echo(f, 0, 65507, 1, 1);
	n = run(&r, f, len, sizeof rep, rep);
	CHECK(echo_reply_ok(rep, n, f, &r) && n == 65549, "echo with IPv4 total length 65535 (GSO-sized buffer)");

	/* IP options: accepted, not reflected */
	len = make_echo(f, 4, 56, 0x4242, 5);
	n = run(&r, f, len, 1514, rep);
	CHECK(len == 102 && echo_reply_ok(rep, n, f, &r) && n == 98, "echo with 4 bytes of IP options (IHL 6): reply IHL 5, 98 bytes");
	len = make_echo(f, 40, 56, 0x4242, 6);
	n = run(&r, f, len, 1514, rep);
	CHECK(f[14] == 0x4f && echo_reply_ok(rep, n, f, &r) && n == 98, "echo with 40 bytes of IP options (IHL 15, ping -R)");

	/* in place, and with the reply overlapping the request at an offset */
	static uint8_t buf[4096];
	len = make_echo(f, 40, 56, 0x4242, 7);
	memcpy(buf, f, len);
	n = net_responder_handle(&r, buf, len, buf, sizeof buf);
	CHECK(echo_reply_ok(buf, n, f, &r), "echo reply built in place (out == frame, request with IP options)");
	memcpy(buf + 100, f, len);
	n = net_responder_handle(&r, buf + 100, len, buf + 60, sizeof buf - 60);
	CHECK(echo_reply_ok(buf + 60, n, f, &r), "echo reply into a buffer overlapping the request (out = frame - 40)");
	memcpy(buf, f, len);
	n = net_responder_handle(&r, buf, len, buf + 30, sizeof buf - 30);
	CHECK(echo_reply_ok(buf + 30, n, f, &r), "echo reply into a buffer overlapping the request (out = frame + 30)");

	/* ignored */
	uint64_t ign = r.ignored, echoes = r.echo_replies;
	static const struct {
		const char *what;
		unsigned off, val; /* byte to set, in the 98-byte ping frame */
		int fix;           /* 1: fix IP checksum, 2: fix ICMP checksum, 3: both */
	} bad[] = {
		{ "ICMP to another IP (10.0.2.3)", 33, 3, 1 },
		{ "bad IP header checksum", 24, 0x12, 0 },
		{ "bad ICMP checksum", 36, 0x12, 0 },
		{ "payload corrupted (ICMP checksum no longer valid)", 80, 0xee, 0 },
		{ "fragment: MF set", 20, 0x20, 1 },
		{ "fragment: offset 8", 21, 1, 1 },
		{ "fragment: offset high bits", 20, 0x1f, 1 },
		{ "IP version 6", 14, 0x65, 1 },
		{ "IHL 4", 14, 0x44, 1 },
		{ "protocol UDP", 23, 17, 1 },
		{ "total length 99 > frame", 17, 99, 1 },
		{ "total length 27 < header + 8", 17, 27, 1 },
		{ "ICMP echo reply (type 0)", 34, 0, 2 },
		{ "ICMP type 8 code 1", 35, 1, 2 },
		{ "ICMP timestamp (type 13)", 34, 13, 2 },
		{ "Ethernet destination broadcast", 0, 0xff, 0 },
		{ "Ethernet destination another MAC", 5, 0x03, 0 },
		{ "Ethernet source multicast", 6, 0x01, 0 },
		{ "EtherType 0x86dd", 13, 0xdd, 0 },
		{ "source IP 0.0.0.0", 26, 0, 1 },
		{ "source IP multicast 224.0.2.15", 26, 224, 1 },
		{ "source IP 255.0.2.15", 26, 255, 1 },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		len = make_echo(f, 0, 56, 0x1234, 1);
		f[bad[i].off] = (uint8_t)bad[i].val;
		if (bad[i].off == 0)
			memcpy(f, bcast, 6);
		if (bad[i].off == 26 && bad[i].val == 0)
			memset(f + 26, 0, 4);
		if (bad[i].fix & 1)
			fix_ip_sum(f);
		if (bad[i].fix & 2)
			fix_icmp_sum(f);
		CHECK(run(&r, f, len, 1514, NULL) == 0, "ignored: %s", bad[i].what);
	}
	len = make_echo(f, 0, 56, 0x1234, 1);
	f[20] = 0x00; /* DF clear: still answered */
	fix_ip_sum(f);
	n = run(&r, f, len, 1514, rep);
	CHECK(echo_reply_ok(rep, n, f, &r), "echo without DF answered");
	len = make_echo(f, 0, 56, 0x1234, 1);
	CHECK(run(&r, f, len - 1, 1514, NULL) == 0, "frame one byte shorter than total length ignored");
	CHECK(r.ignored == ign + sizeof bad / sizeof bad[0] + 1 && r.echo_replies == echoes + 1, "ignored echoes counted");

	/* every truncation, with and without options */
	for (size_t opt = 0; opt <= 40; opt += 40) {
		len = make_echo(f, opt, 56, 0x1234, 1);
		bool ok = true;
		for (size_t l = 0; l < len; l++)
			ok &= run(&r, f, l, 1514, NULL) == 0;
		CHECK(ok && run(&r, f, len, 1514, NULL) > 0, "echo (%zu bytes of IP options) truncated to every length 0..%zu ignored", opt, len - 1);
	}
}

/* Random frames, and valid frames with a few bytes changed (checksums sometimes repaired so the
 * deeper checks are reached). Every reply must be well-formed and within out_cap. */
static void test_random(void)
{
	struct net_responder r;
	static uint8_t f[2048], rep[2048];
	unsigned replies = 0, bad = 0;

	net_responder_init(&r, gw_mac, GW_IP);
	for (unsigned i = 0; i < 100000; i++) {
		size_t len, out_cap = rng64() % 1600;
		unsigned kind = i % 4;
		if (kind == 0) {
			len = rng64() % 1600;
			for (size_t j = 0; j < len; j++)
				f[j] = (uint8_t)rng64();
			if (len >= 14 && (rng64() & 1)) /* make the EtherType interesting */
				be16(f + 12, (rng64() & 1) ? 0x0800 : 0x0806);
		} else if (kind == 1) {
			len = make_arp(f, (rng64() & 1) ? bcast : gw_mac, 1, GUEST_IP, GW_IP);
			len += rng64() % 20;
		} else {
			len = make_echo(f, (rng64() % 11) * 4, rng64() % 1400, (unsigned)rng64(), (unsigned)rng64());
			len += rng64() % 20;
		}
		if (kind != 0) {
			unsigned flips = 1 + rng64() % 3;
			for (unsigned k = 0; k < flips; k++)
				if (rng64() % 4)
					f[rng64() % (len + 1)] ^= (uint8_t)(1u << (rng64() % 8));
			if (kind == 3) {
				size_t hl = (size_t)(f[14] & 0xf) * 4, total = rd16(f + 16);
				if (hl >= 20 && 14 + hl <= len)
					fix_ip_sum(f);
				if (hl >= 20 && total >= hl + 4 && 14 + total <= len)
					fix_icmp_sum(f);
			}
			if (rng64() % 8 == 0)
				len = rng64() % (len + 1);
		}
		if (rng64() % 2)
			out_cap = 1514;
		size_t n = run(&r, f, len, out_cap, rep);
		if (n == 0)
			continue;
		replies++;
		bool ok = n != (size_t)-1 && n <= out_cap;
		if (ok && rd16(rep + 12) == 0x0806)
			ok = arp_reply_ok(rep, n, f, &r) && rd32(f + 38) == GW_IP;
		else if (ok)
			ok = echo_reply_ok(rep, n, f, &r) && rd32(f + 30) == GW_IP && !memcmp(f, gw_mac, 6);
		bad += !ok;
	}
	CHECK(bad == 0, "100000 random/mutated frames: %u replies, all well-formed and within out_cap (%u bad)", replies, bad);
	CHECK(r.arp_replies + r.echo_replies == replies && r.arp_replies + r.echo_replies + r.ignored == 100000,
	      "statistics add up (%llu ARP, %llu echo, %llu ignored)", (unsigned long long)r.arp_replies,
	      (unsigned long long)r.echo_replies, (unsigned long long)r.ignored);
}

int main(void)
{
	test_arp();
	test_echo();
	test_random();
	return CHECK_DONE();
}

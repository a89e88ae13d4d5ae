/* test_sha256.c - SHA-256 against the FIPS 180-4 examples (NIST CSRC
 * "Examples with intermediate values", SHA256.pdf) and byte-boundary
 * lengths cross-checked with coreutils sha256sum. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "hall/sha256.h"

static void hex_of(const void *data, size_t n, char out[65])
{
	unsigned char d[SHA256_LEN];
	sha256(data, n, d);
	sha256_hex(d, out);
}

static void test_fips_one_block(void **state)
{
	(void)state;
	char h[65];
	hex_of("abc", 3, h);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_fips_empty(void **state)
{
	(void)state;
	char h[65];
	hex_of("", 0, h);
	assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_fips_two_blocks(void **state)
{
	(void)state;
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char h[65];
	hex_of(m, strlen(m), h);
	assert_string_equal(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_fips_896_bits(void **state)
{
	(void)state;
	const char *m = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
	                "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	char h[65];
	hex_of(m, strlen(m), h);
	assert_string_equal(h, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

/* One million 'a', fed in uneven pieces. */
static void test_fips_million_a(void **state)
{
	(void)state;
	char chunk[997];
	memset(chunk, 'a', sizeof chunk);
	struct sha256 c;
	sha256_init(&c);
	size_t left = 1000000;
	for (size_t step = 1; left; step = step * 7 % 997 + 1) {
		size_t n = step < left ? step : left;
		sha256_update(&c, chunk, n);
		left -= n;
	}
	unsigned char d[SHA256_LEN];
	char h[65];
	sha256_final(&c, d);
	sha256_hex(d, h);
	assert_string_equal(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Padding edges: 55 bytes fit one block, 56..63 need a second; values
 * from `printf '%Ns' | tr ' ' x | sha256sum`. */
static void test_padding_boundaries(void **state)
{
	(void)state;
	static const struct { size_t n; const char *hex; } v[] = {
		{ 55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072" },
		{ 56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e" },
		{ 57, "ae14a2563ccf969d99aca69ce6bb74981f734bbf9f655f73b8f06db68cab5217" },
		{ 63, "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2" },
		{ 64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c" },
		{ 65, "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9" },
		{ 119, "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c" },
		{ 120, "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f37308b276ba98" },
		{ 127, "70156a14adbabf98cff3a71c7084b417abf057a8efd27329ca36b7202c87d81f" },
		{ 128, "24da1b81d0b16df6428eee73c69fcb2a93c76bc6df706f0c6670fe6bfe800464" },
	};
	char buf[128], h[65];
	memset(buf, 'x', sizeof buf);
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		hex_of(buf, v[i].n, h);
		if (strcmp(h, v[i].hex) != 0)
			fail_msg("length %zu: %s, want %s", v[i].n, h, v[i].hex);
	}
}

/* Feeding a message in any split gives the one-shot digest. */
static void test_split_updates(void **state)
{
	(void)state;
	unsigned char msg[300];
	for (size_t i = 0; i < sizeof msg; i++)
		msg[i] = (unsigned char)(i * 31 + 7);
	for (size_t len = 0; len <= sizeof msg; len += 13) {
		unsigned char want[SHA256_LEN];
		sha256(msg, len, want);
		for (size_t cut = 0; cut <= len; cut += 5) {
			struct sha256 c;
			unsigned char got[SHA256_LEN];
			sha256_init(&c);
			sha256_update(&c, msg, cut);
			sha256_update(&c, NULL, 0);
			sha256_update(&c, msg + cut, len - cut);
			sha256_final(&c, got);
			if (memcmp(got, want, SHA256_LEN) != 0)
				fail_msg("length %zu split at %zu differs", len, cut);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fips_one_block),
		cmocka_unit_test(test_fips_empty),
		cmocka_unit_test(test_fips_two_blocks),
		cmocka_unit_test(test_fips_896_bits),
		cmocka_unit_test(test_fips_million_a),
		cmocka_unit_test(test_padding_boundaries),
		cmocka_unit_test(test_split_updates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

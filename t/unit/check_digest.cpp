/*
 * digest.cpp: SHA-256 known answers (FIPS 180-2 / NIST CAVP examples),
 * agreement with OpenSSL's EVP interface, hex and constant-time equality.
 */

#include <cstdlib>
#include <cstring>
#include <string>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "digest.hpp"
#include "unit.hpp"

using api_auth::digest;

static std::string
hex_of(const digest &d)
{
    char  buf[64];

    api_auth::hex_encode(d.data(), d.size(), buf);

    return std::string(buf, sizeof(buf));
}


START_TEST(sha256_nist_abc)
{
    digest  d;

    api_auth::sha256("abc", 3, d);
    ck_assert_string_eq(hex_of(d),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
END_TEST


START_TEST(sha256_empty_string)
{
    digest  d;

    /* a null pointer with length 0 must work too (empty header value) */
    api_auth::sha256(nullptr, 0, d);
    ck_assert_string_eq(hex_of(d),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

    api_auth::sha256("", 0, d);
    ck_assert_string_eq(hex_of(d),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
END_TEST


START_TEST(sha256_nist_56_bytes)
{
    static const char  msg[] =
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    digest             d;

    ck_assert_uint_eq(sizeof(msg) - 1, 56);
    api_auth::sha256(msg, sizeof(msg) - 1, d);
    ck_assert_string_eq(hex_of(d),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST


START_TEST(sha256_one_million_a)
{
    std::string  msg(1000000, 'a');
    digest       d;

    api_auth::sha256(msg.data(), msg.size(), d);
    ck_assert_string_eq(hex_of(d),
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST


START_TEST(sha256_agrees_with_evp_digest)
{
    unsigned char  buf[300], md[EVP_MAX_MD_SIZE];
    unsigned int   mdlen;
    digest         d;

    srandom(20240601);

    for (size_t i = 0; i < sizeof(buf); i++) {
        buf[i] = static_cast<unsigned char>(random());
    }

    for (size_t len = 0; len <= sizeof(buf); len++) {
        ck_assert_int_eq(EVP_Digest(buf, len, md, &mdlen, EVP_sha256(),
                                    nullptr), 1);
        ck_assert_uint_eq(mdlen, 32);

        api_auth::sha256(buf, len, d);
        ck_assert_mem_eq(d.data(), md, 32);
    }
}
END_TEST


START_TEST(digest_equal_detects_any_byte_difference)
{
    digest  a, b;

    api_auth::sha256("key", 3, a);
    b = a;
    ck_assert(api_auth::digest_equal(a, b));

    for (size_t i = 0; i < b.size(); i++) {
        b = a;
        b[i] ^= 0x01;
        ck_assert(!api_auth::digest_equal(a, b));
    }
}
END_TEST


START_TEST(hex_encode_is_lowercase)
{
    const uint8_t  in[] = { 0x00, 0x0a, 0xab, 0xff };
    char           out[9] = "xxxxxxxx";

    api_auth::hex_encode(in, sizeof(in), out);
    ck_assert_string_eq(out, "000aabff");
}
END_TEST


START_TEST(hex_decode_accepts_lowercase_only)
{
    uint8_t  out[2];

    ck_assert(api_auth::hex_decode_lower("0aff", out, 2));
    ck_assert_uint_eq(out[0], 0x0a);
    ck_assert_uint_eq(out[1], 0xff);

    ck_assert(!api_auth::hex_decode_lower("0AFF", out, 2));
    ck_assert(!api_auth::hex_decode_lower("0aFf", out, 2));
}
END_TEST


START_TEST(hex_decode_rejects_wrong_length_and_non_hex)
{
    uint8_t  out[3];

    ck_assert(!api_auth::hex_decode_lower("0aff0", out, 2));
    ck_assert(!api_auth::hex_decode_lower("0af", out, 2));
    ck_assert(!api_auth::hex_decode_lower("", out, 1));
    ck_assert(!api_auth::hex_decode_lower("0g", out, 1));
    ck_assert(!api_auth::hex_decode_lower(" a", out, 1));
    ck_assert(!api_auth::hex_decode_lower(std::string_view("0\0", 2), out,
                                          1));
    ck_assert(api_auth::hex_decode_lower("", out, 0));
}
END_TEST


START_TEST(hex_round_trip_of_a_digest)
{
    digest  a, b;
    char    hex[64];

    api_auth::sha256("round trip", 10, a);
    api_auth::hex_encode(a.data(), a.size(), hex);
    ck_assert(api_auth::hex_decode_lower(std::string_view(hex, 64),
                                         b.data(), b.size()));
    ck_assert(api_auth::digest_equal(a, b));
}
END_TEST


START_TEST(digest_prefix_is_first_8_hex_digits)
{
    digest  d;
    char    prefix[api_auth::digest_prefix_len + 1];

    ck_assert_uint_eq(api_auth::digest_prefix_len, 8);

    std::memset(prefix, 'x', sizeof(prefix));
    prefix[api_auth::digest_prefix_len] = '\0';

    api_auth::sha256("abc", 3, d);
    api_auth::digest_prefix(d, prefix);

    /* exactly 8 characters written, no NUL of its own */
    ck_assert_string_eq(prefix, "ba7816bf");
}
END_TEST


START_TEST(cache_key_separates_namespaces)
{
    api_auth::digest  tok, ns_a, ns_b, zero{}, ka, kb, again;

    api_auth::sha256("tok-1", 5, tok);
    api_auth::sha256("server a", 8, ns_a);
    api_auth::sha256("server b", 8, ns_b);

    api_auth::cache_key(tok, ns_a, ka);
    api_auth::cache_key(tok, ns_b, kb);

    /* one token, two namespaces: two keys, neither the token's digest */
    ck_assert(!api_auth::digest_equal(ka, kb));
    ck_assert(!api_auth::digest_equal(ka, tok));
    ck_assert(!api_auth::digest_equal(kb, tok));

    /* deterministic (shared by workers and kept across reloads) */
    api_auth::cache_key(tok, ns_a, again);
    ck_assert(api_auth::digest_equal(ka, again));

    /* an all-zero namespace leaves the digest as it is */
    api_auth::cache_key(tok, zero, again);
    ck_assert(api_auth::digest_equal(again, tok));

    /* a bijection within a namespace: the key gives the digest back */
    api_auth::cache_key(ka, ns_a, again);
    ck_assert(api_auth::digest_equal(again, tok));
}
END_TEST


START_TEST(hmac_agrees_with_openssl_hmac)
{
    digest        secret, mac, ref;
    unsigned int  n = 0;
    std::string   data;

    for (size_t i = 0; i < secret.size(); i++) {
        secret[i] = static_cast<uint8_t>(i * 7 + 1);
    }

    /* lengths around the block size, and an empty message */
    for (size_t len : {0, 1, 55, 63, 64, 65, 200}) {
        data.assign(len, 'k');

        api_auth::hmac_sha256(secret, data.data(), data.size(), mac);
        ck_assert(HMAC(EVP_sha256(), secret.data(), secret.size(),
                       reinterpret_cast<const unsigned char *>(data.data()),
                       data.size(), ref.data(), &n)
                  != nullptr);
        ck_assert_uint_eq(n, 32);
        ck_assert(api_auth::digest_equal(mac, ref));
    }
}
END_TEST


START_TEST(log_id_is_keyed)
{
    digest  a{}, b{}, d;
    char    id_a[9] = {0}, id_a2[9] = {0}, id_b[9] = {0}, plain[9] = {0};

    b[0] = 1;

    api_auth::log_id(a, "Winter2024!", 11, id_a);
    api_auth::log_id(a, "Winter2024!", 11, id_a2);
    api_auth::log_id(b, "Winter2024!", 11, id_b);

    api_auth::sha256("Winter2024!", 11, d);
    api_auth::digest_prefix(d, plain);

    /* stable under one secret, different under another, never the
     * unkeyed SHA-256 prefix that a dictionary could be run against */
    ck_assert_str_eq(id_a, id_a2);
    ck_assert_str_ne(id_a, id_b);
    ck_assert_str_ne(id_a, plain);
    ck_assert_uint_eq(std::strspn(id_a, "0123456789abcdef"), 8);
}
END_TEST


START_TEST(namespaced_key_separates_parts_and_tokens)
{
    digest       base, k, ref, other;
    std::string  in;

    api_auth::sha256("base", 4, base);
    api_auth::namespaced_key(base, "a.example", "tok-1", k);

    /* SHA-256(base || 4-byte length || part || token) */
    in.assign(reinterpret_cast<const char *>(base.data()), base.size());
    in += std::string("\0\0\0\x09", 4);
    in += "a.example";
    in += "tok-1";
    api_auth::sha256(in.data(), in.size(), ref);
    ck_assert(api_auth::digest_equal(k, ref));

    /* another host, another key */
    api_auth::namespaced_key(base, "b.example", "tok-1", other);
    ck_assert(!api_auth::digest_equal(k, other));

    /* the length keeps the boundary: "a.exampl" + "etok-1" differs */
    api_auth::namespaced_key(base, "a.exampl", "etok-1", other);
    ck_assert(!api_auth::digest_equal(k, other));
}
END_TEST


Suite *
digest_suite(void)
{
    Suite  *s = suite_create("digest");
    TCase  *tc = tcase_create("core");

    tcase_set_timeout(tc, unit_timeout);

    tcase_add_test(tc, sha256_nist_abc);
    tcase_add_test(tc, sha256_empty_string);
    tcase_add_test(tc, sha256_nist_56_bytes);
    tcase_add_test(tc, sha256_one_million_a);
    tcase_add_test(tc, sha256_agrees_with_evp_digest);
    tcase_add_test(tc, digest_equal_detects_any_byte_difference);
    tcase_add_test(tc, hex_encode_is_lowercase);
    tcase_add_test(tc, hex_decode_accepts_lowercase_only);
    tcase_add_test(tc, hex_decode_rejects_wrong_length_and_non_hex);
    tcase_add_test(tc, hex_round_trip_of_a_digest);
    tcase_add_test(tc, digest_prefix_is_first_8_hex_digits);
    tcase_add_test(tc, cache_key_separates_namespaces);
    tcase_add_test(tc, hmac_agrees_with_openssl_hmac);
    tcase_add_test(tc, log_id_is_keyed);
    tcase_add_test(tc, namespaced_key_separates_parts_and_tokens);

    suite_add_tcase(s, tc);

    return s;
}

/*
 * keyfile.cpp: the key file format of SPEC.md "Key file", its error
 * reasons (shown by nginx -t with the line number), lookups and RFC 3339
 * dates.
 */

#include <string>

#include "keyfile.hpp"
#include "keyfile_parse.hpp"
#include "unit.hpp"

using api_auth::key_entry;
using api_auth::key_load_error;
using api_auth::key_table;

/* SHA-256 of "password" and of "foo" */
#define H_PASSWORD_HEX                                                       \
    "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"
#define H_PASSWORD  "sha256:" H_PASSWORD_HEX
#define H_FOO                                                                \
    "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"

static const key_entry *
lookup(const key_table &t, std::string_view key)
{
    api_auth::digest  d;

    api_auth::sha256(key.data(), key.size(), d);

    return t.find(d);
}


/* loads text that must fail; returns the reason, checks the line */
static std::string
load_error(std::string_view text, size_t line)
{
    key_table       t;
    key_load_error  err;

    ck_assert(!t.load(text, err));
    ck_assert_uint_eq(err.line, line);
    ck_assert_uint_eq(t.size(), 0);

    return err.reason;
}


static int64_t
date(std::string_view s)
{
    int64_t  t = -1;

    ck_assert_msg(api_auth::parse_rfc3339_utc(s, t), "rejected %.*s",
                  static_cast<int>(s.size()), s.data());
    return t;
}


static bool
bad_date(std::string_view s)
{
    int64_t  t;

    return !api_auth::parse_rfc3339_utc(s, t);
}


START_TEST(spec_example_loads)
{
    key_table       t;
    key_load_error  err;

    ck_assert(t.load(
        "# comments and blank lines are ignored\n"
        "# NAME      HASH       OPTIONS\n"
        "gpt-prod    " H_PASSWORD
        "  scope=\"orders.read orders.write\"\n"
        "partner-x   " H_FOO
        "  subject=acct-42 not_after=2027-01-01T00:00:00Z\n", err));
    ck_assert_uint_eq(t.size(), 2);

    const key_entry  *e = lookup(t, "password");

    ck_assert_ptr_nonnull(e);
    ck_assert_string_eq(e->name, "gpt-prod");
    ck_assert_string_eq(e->subject, "gpt-prod");
    ck_assert_string_eq(e->scope, "orders.read orders.write");
    ck_assert_int_eq(e->not_after, 0);

    e = lookup(t, "foo");
    ck_assert_ptr_nonnull(e);
    ck_assert_string_eq(e->name, "partner-x");
    ck_assert_string_eq(e->subject, "acct-42");
    ck_assert_string_eq(e->scope, "");
    ck_assert_int_eq(e->not_after, 1798761600);
}
END_TEST


START_TEST(unknown_key_is_not_found)
{
    key_table       t;
    key_load_error  err;

    ck_assert(t.load("a " H_PASSWORD "\n", err));
    ck_assert_ptr_null(lookup(t, "Password"));
    ck_assert_ptr_null(lookup(t, ""));
}
END_TEST


START_TEST(empty_file_is_valid)
{
    key_table       t;
    key_load_error  err;

    ck_assert(t.load("", err));
    ck_assert_uint_eq(t.size(), 0);
    ck_assert(t.load("# only a comment\n\n   \n\t\n", err));
    ck_assert_uint_eq(t.size(), 0);
}
END_TEST


START_TEST(crlf_tabs_and_trailing_comments_are_accepted)
{
    key_table       t;
    key_load_error  err;

    ck_assert(t.load("\xef\xbb\xbf# BOM first\r\n"
                     "a\t" H_PASSWORD "\tsubject=s1   # the old key\r\n"
                     "  b " H_FOO " scope=\"x #y\"", err));
    ck_assert_uint_eq(t.size(), 2);
    ck_assert_string_eq(lookup(t, "password")->subject, "s1");
    ck_assert_string_eq(lookup(t, "foo")->scope, "x #y");
}
END_TEST


START_TEST(scope_is_normalized_to_single_spaces)
{
    key_table       t;
    key_load_error  err;

    ck_assert(t.load("a " H_PASSWORD " scope=\"  a   b c \"\n"
                     "b " H_FOO " scope=single\n", err));
    ck_assert_string_eq(lookup(t, "password")->scope, "a b c");
    ck_assert_string_eq(lookup(t, "foo")->scope, "single");
}
END_TEST


START_TEST(quoted_subject_may_hold_spaces)
{
    key_table       t;
    key_load_error  err;

    ck_assert(t.load("a " H_PASSWORD " subject=\"Acme Corp\"\n", err));
    ck_assert_string_eq(lookup(t, "password")->subject, "Acme Corp");
}
END_TEST


START_TEST(invalid_name_rejected)
{
    ck_assert_string_eq(load_error("bad/name " H_PASSWORD "\n", 1),
                        "invalid name: byte \"/\" at position 4"
                        " (names are made of A-Z a-z 0-9 . _ -)");
    ck_assert_string_eq(load_error("\n\"x y\" " H_PASSWORD "\n", 2),
                        "invalid name: byte \"\\\"\" at position 1"
                        " (names are made of A-Z a-z 0-9 . _ -)");
    /* non-printable bytes are escaped in the reason */
    ck_assert_string_eq(load_error("n\xc3\xa9 " H_PASSWORD "\n", 1),
                        "invalid name: byte \"\\xc3\" at position 2"
                        " (names are made of A-Z a-z 0-9 . _ -)");
}

END_TEST


START_TEST(name_of_64_accepted_65_rejected)
{
    key_table       t;
    key_load_error  err;
    std::string     n64(64, 'n');

    ck_assert(t.load(n64 + " " H_PASSWORD, err));
    ck_assert_string_eq(load_error(n64 + "x " H_PASSWORD, 1),
                        "name longer than 64 characters");
}
END_TEST


START_TEST(duplicate_name_rejected)
{
    ck_assert_string_eq(load_error("gpt-prod " H_PASSWORD "\n"
                                   "gpt-prod " H_FOO "\n", 2),
                        "duplicate name \"gpt-prod\"");
}
END_TEST


START_TEST(missing_hash_rejected)
{
    ck_assert_string_eq(load_error("gpt-prod\n", 1),
                        "missing hash after the name");
    ck_assert_string_eq(load_error("gpt-prod # a comment\n", 1),
                        "missing hash after the name");
}
END_TEST


START_TEST(lone_pasted_key_is_not_echoed)
{
    const char   *key = "aak_Jq3x0bC9v-MZ1pW_7yQe2r5tUo8iLkHgFdSaPzXcVbN";
    std::string   r = load_error(std::string("\n") + key + "\n", 2);

    ck_assert(r.find("Jq3x") == std::string::npos);
}
END_TEST


/*
 * Found by fuzz/fuzz_keyfile.cpp: a lone field that is not a valid name
 * (a standard base64 key, a long hex key, a hash without its name) was
 * quoted as "invalid name" before the lone-field check could hide it.
 */
START_TEST(lone_invalid_name_field_is_not_echoed)
{
    static const char  *lone[] = {
        /* standard base64: '+', '/' and '=' are not name characters */
        "Jq3x0bC9v+MZ1pW/7yQe2r5tUo8iLkHgFdSaPzXcVbN=",
        /* 128 hex digits: too long for a name */
        "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"
        "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
        /* the hash line without its name */
        H_PASSWORD,
    };

    for (const char *field : lone) {
        std::string  r = load_error(std::string("\n") + field + "\n", 2);

        ck_assert_string_eq(r, "missing hash after the name");
        ck_assert(r.find(std::string(field).substr(0, 12))
                  == std::string::npos);
    }
}
END_TEST


/*
 * Found by fuzz/fuzz_keyfile.cpp: a 66-digit hex first field followed by
 * a bad hash was quoted (64 characters of it) as "invalid name".
 */
START_TEST(long_first_field_is_not_echoed)
{
    std::string  field = "11" H_PASSWORD_HEX;
    std::string  r = load_error(field + " s\n", 1);

    ck_assert_string_eq(r, "name longer than 64 characters");
    ck_assert(r.find(field.substr(2, 12)) == std::string::npos);

    /* a valid 64-character name is quoted, but cut short */
    r = load_error(std::string(H_PASSWORD_HEX) + " s\n", 1);
    ck_assert(r.find(H_PASSWORD_HEX) == std::string::npos);
    ck_assert(r.find("...") != std::string::npos);
}
END_TEST


/* a key pasted in front of its hash: only the offending byte is shown */
START_TEST(pasted_key_as_name_is_not_echoed)
{
    std::string  r = load_error(
        "Jq3x0bC9v+MZ1pW/7yQe2r5tUo8iLkHgFdSaPzXcVbN= " H_PASSWORD "\n", 1);

    ck_assert(r.find("Jq3x") == std::string::npos);
    ck_assert(r.find("at position 10") != std::string::npos);
}
END_TEST


START_TEST(invalid_hash_rejected_without_echoing_it)
{
    static const char  *bad[] = {
        /* upper case */
        "sha256:5E884898DA28047151D0E56F8DC62927"
        "73603D0D6AABBDD62A11EF721D1542D8",
        /* 63 digits */
        "sha256:5e884898da28047151d0e56f8dc62927"
        "73603d0d6aabbdd62a11ef721d1542d",
        /* another algorithm */
        "sha512:5e884898da28047151d0e56f8dc62927"
        "73603d0d6aabbdd62a11ef721d1542d8",
        /* no prefix */
        "5e884898da28047151d0e56f8dc62927"
        "73603d0d6aabbdd62a11ef721d1542d8",
        /* 65 digits */
        "sha256:5e884898da28047151d0e56f8dc62927"
        "73603d0d6aabbdd62a11ef721d1542d80",
    };

    for (const char *h : bad) {
        std::string  r = load_error(std::string("gpt-prod ") + h, 1);

        ck_assert_string_eq(r, "invalid hash for \"gpt-prod\": "
                            "expected sha256: and 64 lowercase hex digits");
        ck_assert(r.find("5e8") == std::string::npos);
        ck_assert(r.find("5E8") == std::string::npos);
    }
}
END_TEST


START_TEST(duplicate_hash_rejected)
{
    ck_assert_string_eq(load_error("gpt-prod " H_PASSWORD "\n"
                                   "# same key twice\n"
                                   "gpt-copy " H_PASSWORD "\n", 3),
                        "duplicate hash (same key as \"gpt-prod\")");
}
END_TEST


START_TEST(unknown_option_rejected)
{
    ck_assert_string_eq(load_error("a " H_PASSWORD " foo=1\n", 1),
                        "unknown option \"foo\"");
    ck_assert_string_eq(load_error("a " H_PASSWORD " Scope=\"x\"\n", 1),
                        "unknown option \"Scope\"");
}
END_TEST


START_TEST(duplicate_option_rejected)
{
    ck_assert_string_eq(load_error("a " H_PASSWORD " scope=x scope=y\n", 1),
                        "duplicate option \"scope\"");
}
END_TEST


START_TEST(field_without_equals_is_not_echoed)
{
    std::string  r = load_error("a " H_PASSWORD " my-plaintext-key\n", 1);

    ck_assert_string_eq(r,
                        "invalid option in field 3: expected name=value");
    ck_assert(r.find("plaintext") == std::string::npos);

    /* a base64 key with padding has an "=", but not an option's shape */
    r = load_error("a " H_PASSWORD " pQ9+x/Zk==\n", 1);
    ck_assert_string_eq(r, "invalid option in field 3: expected name=value");
    ck_assert(r.find("pQ9") == std::string::npos);
}
END_TEST


START_TEST(unterminated_quote_rejected)
{
    ck_assert_string_eq(load_error("a " H_PASSWORD " scope=\"x y\n", 1),
                        "unterminated quote");
}
END_TEST


START_TEST(scope_tokens_must_be_rfc6749_characters)
{
    ck_assert_string_eq(load_error("a " H_PASSWORD " scope=\"a\\b\"", 1),
                        "invalid scope \"a\\\\b\"");
    ck_assert_string_eq(load_error("a " H_PASSWORD " scope=\"a\"b\"c\"", 1),
                        "invalid scope \"\\\"a\\\"b\\\"c\\\"\"");
    ck_assert_string_eq(load_error("a " H_PASSWORD " scope=\"a\x01\"", 1),
                        "invalid scope \"a\\x01\"");
}
END_TEST


START_TEST(empty_subject_rejected)
{
    ck_assert_string_eq(load_error("a " H_PASSWORD " subject=", 1),
                        "invalid subject \"\"");
    ck_assert_string_eq(load_error("a " H_PASSWORD " subject=\"\"", 1),
                        "invalid subject \"\"");
}
END_TEST


START_TEST(tier_is_loaded_and_defaults_to_empty)
{
    key_table       t;
    key_load_error  err;

    ck_assert(t.load("gold-1 " H_PASSWORD " tier=gold scope=a\n"
                     "plain " H_FOO "\n", err));

    const key_entry  *e = lookup(t, "password");

    ck_assert_ptr_nonnull(e);
    ck_assert_string_eq(e->tier, "gold");
    ck_assert_string_eq(e->scope, "a");

    e = lookup(t, "foo");
    ck_assert_ptr_nonnull(e);
    ck_assert_string_eq(e->tier, "");
}
END_TEST


START_TEST(tier_is_validated_like_a_name)
{
    std::string  t64(64, 't');
    key_table       t;
    key_load_error  err;

    ck_assert(t.load("a " H_PASSWORD " tier=\"Gold_1.x-y\"\n", err));
    ck_assert(t.load("a " H_PASSWORD " tier=" + t64 + "\n", err));

    ck_assert_string_eq(load_error("a " H_PASSWORD " tier=", 1),
                        "invalid tier \"\" (1-64 of A-Z a-z 0-9 . _ -)");
    ck_assert_string_eq(load_error("a " H_PASSWORD " tier=\"a b\"", 1),
                        "invalid tier \"a b\" (1-64 of A-Z a-z 0-9 . _ -)");
    ck_assert_string_eq(load_error("a " H_PASSWORD " tier=a/b", 1),
                        "invalid tier \"a/b\" (1-64 of A-Z a-z 0-9 . _ -)");
    ck_assert(load_error("a " H_PASSWORD " tier=" + t64 + "t", 1)
              .rfind("invalid tier ", 0) == 0);
    ck_assert_string_eq(load_error("a " H_PASSWORD " tier=a tier=b", 1),
                        "duplicate option \"tier\"");
}
END_TEST


START_TEST(not_after_month_13_rejected)
{
    ck_assert_string_eq(load_error("a " H_PASSWORD
                                   " not_after=2027-13-01T00:00:00Z", 1),
                        "invalid not_after \"2027-13-01T00:00:00Z\": bad date");
    ck_assert_string_eq(load_error("a " H_PASSWORD " not_after=2027-13-01", 1),
                        "invalid not_after \"2027-13-01\": bad date");
}
END_TEST


START_TEST(not_after_feb_30_rejected)
{
    ck_assert(bad_date("2027-02-30T00:00:00Z"));
    ck_assert(bad_date("2027-02-29T00:00:00Z"));
    ck_assert(bad_date("2100-02-29T00:00:00Z"));
    ck_assert(bad_date("2027-04-31T00:00:00Z"));
    ck_assert(bad_date("2027-01-00T00:00:00Z"));
    ck_assert_string_eq(load_error("a " H_PASSWORD
                                   " not_after=2027-02-30T00:00:00Z", 1),
                        "invalid not_after \"2027-02-30T00:00:00Z\": bad date");
}
END_TEST


START_TEST(not_after_leap_days_accepted)
{
    ck_assert_int_eq(date("2028-02-29T12:30:45Z"), 1835440245);
    ck_assert_int_eq(date("2000-03-01T00:00:00Z"), 951868800);
    ck_assert_int_eq(date("2000-02-29T00:00:00Z"), 951868800 - 86400);
}
END_TEST


START_TEST(not_after_offsets_rejected)
{
    ck_assert(bad_date("2027-01-01T00:00:00+00:00"));
    ck_assert(bad_date("2027-01-01T00:00:00-05:00"));
    ck_assert(bad_date("2027-01-01T00:00:00"));
    ck_assert(bad_date("2027-01-01T00:00:00ZZ"));
    ck_assert(bad_date("2027-01-01 00:00:00Z"));
}
END_TEST


START_TEST(rfc3339_range_and_fields)
{
    ck_assert_int_eq(date("1970-01-01T00:00:00Z"), 0);
    ck_assert_int_eq(date("9999-12-31T23:59:59Z"), 253402300799LL);
    ck_assert_int_eq(date("2027-01-01t00:00:00z"), 1798761600);
    ck_assert(bad_date("1969-12-31T23:59:59Z"));
    ck_assert(bad_date("2027-01-01T24:00:00Z"));
    ck_assert(bad_date("2027-01-01T23:60:00Z"));
    ck_assert(bad_date("2027-1-01T00:00:00Z"));
    ck_assert(bad_date("+2027-01-01T00:00:00Z"));
    ck_assert(bad_date(""));
}
END_TEST


START_TEST(rfc3339_fraction_is_truncated)
{
    ck_assert_int_eq(date("2027-01-01T00:00:00.999Z"), 1798761600);
    ck_assert(bad_date("2027-01-01T00:00:00.Z"));
}
END_TEST


START_TEST(rfc3339_leap_second_only_at_end_of_day)
{
    ck_assert_int_eq(date("2016-12-31T23:59:60Z"), 1483228800);
    ck_assert(bad_date("2016-12-31T12:00:60Z"));
}
END_TEST


START_TEST(not_after_at_the_epoch_still_expires)
{
    key_table       t;
    key_load_error  err;

    /* 0 would mean "never expires" */
    ck_assert(t.load("a " H_PASSWORD " not_after=1970-01-01T00:00:00Z",
                     err));
    ck_assert_int_eq(lookup(t, "password")->not_after, 1);
}
END_TEST


START_TEST(failed_reload_leaves_table_empty)
{
    key_table       t;
    key_load_error  err;

    ck_assert(t.load("a " H_PASSWORD, err));
    ck_assert_uint_eq(t.size(), 1);
    ck_assert(!t.load("a " H_PASSWORD "\nb " H_FOO " bogus=1", err));
    ck_assert_uint_eq(err.line, 2);
    ck_assert_uint_eq(t.size(), 0);
    ck_assert_ptr_null(lookup(t, "password"));
}
END_TEST


START_TEST(quoted_escapes_and_cuts)
{
    ck_assert_string_eq(api_auth::key_quoted("gpt-prod"), "\"gpt-prod\"");
    ck_assert_string_eq(api_auth::key_quoted("a\"b\\c"), "\"a\\\"b\\\\c\"");
    ck_assert_string_eq(api_auth::key_quoted(std::string_view("\0\n\xff", 3)),
                        "\"\\x00\\x0a\\xff\"");
    ck_assert_string_eq(api_auth::key_quoted(std::string(32, 'k')),
                        "\"" + std::string(32, 'k') + "\"");
    ck_assert_string_eq(api_auth::key_quoted(std::string(33, 'k')),
                        "\"" + std::string(32, 'k') + "...\"");
    ck_assert_string_eq(api_auth::key_quoted(""), "\"\"");
}
END_TEST


START_TEST(options_from_the_third_field)
{
    key_entry                   e;
    std::string                 reason;
    api_auth::fields_t          f = { "n", H_FOO, "scope=\"b  a\"",
                                      "tier=gold", "subject=s@x" };

    e.subject = "n";
    e.not_after = 0;
    ck_assert(api_auth::key_parse_options(f, e, reason));
    ck_assert_string_eq(e.scope, "b a");
    ck_assert_string_eq(e.tier, "gold");
    ck_assert_string_eq(e.subject, "s@x");
    ck_assert_int_eq(e.not_after, 0);
    ck_assert(reason.empty());

    /* the name and hash fields are never read as options */
    f = { "scope=x", "tier=y" };
    e.scope.clear();
    ck_assert(api_auth::key_parse_options(f, e, reason));
    ck_assert(e.scope.empty());

    f = { "n", H_FOO, "tier=a", "tier=b" };
    ck_assert(!api_auth::key_parse_options(f, e, reason));
    ck_assert_string_eq(reason, "duplicate option \"tier\"");

    f = { "n", H_FOO, "not_after=2027-01-01T00:00:00Z" };
    ck_assert(api_auth::key_parse_options(f, e, reason));
    ck_assert_int_eq(e.not_after, 1798761600);
}
END_TEST

Suite *
keyfile_suite(void)
{
    Suite  *s = suite_create("keyfile");
    TCase  *tc = tcase_create("core");

    tcase_set_timeout(tc, unit_timeout);

    tcase_add_test(tc, spec_example_loads);
    tcase_add_test(tc, unknown_key_is_not_found);
    tcase_add_test(tc, empty_file_is_valid);
    tcase_add_test(tc, crlf_tabs_and_trailing_comments_are_accepted);
    tcase_add_test(tc, scope_is_normalized_to_single_spaces);
    tcase_add_test(tc, quoted_subject_may_hold_spaces);
    tcase_add_test(tc, invalid_name_rejected);
    tcase_add_test(tc, name_of_64_accepted_65_rejected);
    tcase_add_test(tc, duplicate_name_rejected);
    tcase_add_test(tc, missing_hash_rejected);
    tcase_add_test(tc, lone_pasted_key_is_not_echoed);
    tcase_add_test(tc, lone_invalid_name_field_is_not_echoed);
    tcase_add_test(tc, long_first_field_is_not_echoed);
    tcase_add_test(tc, pasted_key_as_name_is_not_echoed);
    tcase_add_test(tc, invalid_hash_rejected_without_echoing_it);
    tcase_add_test(tc, duplicate_hash_rejected);
    tcase_add_test(tc, unknown_option_rejected);
    tcase_add_test(tc, duplicate_option_rejected);
    tcase_add_test(tc, field_without_equals_is_not_echoed);
    tcase_add_test(tc, unterminated_quote_rejected);
    tcase_add_test(tc, scope_tokens_must_be_rfc6749_characters);
    tcase_add_test(tc, empty_subject_rejected);
    tcase_add_test(tc, tier_is_loaded_and_defaults_to_empty);
    tcase_add_test(tc, tier_is_validated_like_a_name);
    tcase_add_test(tc, not_after_month_13_rejected);
    tcase_add_test(tc, not_after_feb_30_rejected);
    tcase_add_test(tc, not_after_leap_days_accepted);
    tcase_add_test(tc, not_after_offsets_rejected);
    tcase_add_test(tc, rfc3339_range_and_fields);
    tcase_add_test(tc, rfc3339_fraction_is_truncated);
    tcase_add_test(tc, rfc3339_leap_second_only_at_end_of_day);
    tcase_add_test(tc, not_after_at_the_epoch_still_expires);
    tcase_add_test(tc, failed_reload_leaves_table_empty);
    tcase_add_test(tc, quoted_escapes_and_cuts);
    tcase_add_test(tc, options_from_the_third_field);

    suite_add_tcase(s, tc);

    return s;
}

/*
 * RFC 7662 introspection responses (introspection.hpp), which come from
 * the network: parse_introspection at a fixed now.  Properties:
 *   - the status is one the adapter maps (never missing or expired);
 *   - anything but ok leaves exp 0 and no claims;
 *   - on ok, exp is absent (0) or in the future and clamped, and the
 *     claims record is within max_claims_record, well formed to its end,
 *     free of control bytes, and claims_find reads the identity claims;
 *   - the claims the policy splits on spaces split exactly: a "scope" in
 *     the record is an RFC 6749 scope string (is_scope), and "aud" is
 *     empty or single-space-joined values;
 *   - an answer whose token_type names a refresh token is never ok;
 * The same bytes are also read as a (corrupt) claims record.
 */

#include <string>

#include "claims.hpp"
#include "fuzz.hpp"
#include "introspection.hpp"
#include "policy.hpp"

using namespace api_auth;

/* 2023-11-14T22:13:20Z */
static constexpr int64_t  now = 1700000000;

/* 9999-12-31T23:59:59Z, introspection.cpp's clamp */
static constexpr int64_t  max_date = 253402300799;


/* token_type text (control bytes become spaces) lowercased */
static std::string
lower(std::string_view s)
{
    std::string  t(s);

    for (char &c : t) {
        c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    }

    return t;
}


/* walks the record like claims_find, but insists on reaching its end */
static void
check_record(std::string_view r)
{
    size_t  pos = 0, n, v;

    while (pos < r.size()) {
        n = static_cast<uint8_t>(r[pos]);
        FUZZ_CHECK(n > 0 && r.size() - pos - 1 >= n + 2);

        v = static_cast<uint8_t>(r[pos + 1 + n])
            | static_cast<size_t>(static_cast<uint8_t>(r[pos + 2 + n])) << 8;
        FUZZ_CHECK(r.size() - pos - 3 - n >= v);

        /* values go into variables and upstream headers */
        for (char c : r.substr(pos + 3 + n, v)) {
            FUZZ_CHECK(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f);
        }

        pos += 3 + n + v;
    }
}


extern "C" int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    std::string_view  in = fuzz_input(data, size);
    std::string_view  v;
    token_info        info;
    status            rc;

    /* the cache reads records it did not write in this process */
    (void) claims_find(in, "sub", v);
    FUZZ_CHECK(fuzz_inside(v, in));

    info.exp = -1;
    info.claims = "stale";
    rc = parse_introspection(in, now, info);

    FUZZ_CHECK(rc == status::ok || rc == status::inactive
               || rc == status::malformed || rc == status::too_large
               || rc == status::internal);

    if (rc != status::ok) {
        FUZZ_CHECK(info.exp == 0 && info.claims.empty());
        return 0;
    }

    FUZZ_CHECK(info.exp == 0 || (info.exp > now && info.exp <= max_date));
    FUZZ_CHECK(info.claims.size() <= max_claims_record);
    check_record(info.claims);

    for (const char *name : { "client_id", "sub", "scope", "aud", "exp" }) {
        if (claims_find(info.claims, name, v)) {
            FUZZ_CHECK(fuzz_inside(v, info.claims));
        }
    }

    /* finding 6 of issue 11: no scope token or audience value re-split */
    if (claims_find(info.claims, "scope", v)) {
        FUZZ_CHECK(is_scope(v));
    }

    if (claims_find(info.claims, "aud", v) && !v.empty()) {
        FUZZ_CHECK(v.front() != ' ' && v.back() != ' '
                   && v.find("  ") == std::string_view::npos);
    }

    /* finding 10 of issue 11: a refresh token is not an access token */
    if (claims_find(info.claims, "token_type", v)) {
        std::string  t = lower(v);

        FUZZ_CHECK(t != "refresh_token" && t != "refresh"
                   && t != "urn:ietf:params:oauth:token-type:refresh_token");
    }

    /* "active" is the decision, never a claim */
    FUZZ_CHECK(!claims_find(info.claims, "active", v));

    return 0;
}

/*
 * api_auth core: jansson, shared by the core files that read JSON: the
 * RAII handle (STYLE.md R11), type checks, and the claims record text of
 * a JSON value (claims.hpp), so that an introspection answer and a
 * verified JWT become records by the same rules.
 */

#ifndef API_AUTH_CORE_JSON_HPP
#define API_AUTH_CORE_JSON_HPP

#include <memory>
#include <string>
#include <string_view>

#include <jansson.h>

#include "claims.hpp"
#include "policy.hpp"
#include "status.hpp"

namespace api_auth {

struct jwt;

struct json_deleter {
    void operator()(json_t *j) const noexcept { json_decref(j); }
};

using json_ptr = std::unique_ptr<json_t, json_deleter>;

/*
 * Parses text as one JSON object, duplicate members rejected (RFC 8725
 * §3.12, RFC 7159 §4 "SHOULD be unique") and no trailing data: ok (out
 * holds it), malformed (not JSON, a duplicate, not an object; out empty)
 * or internal (allocation failure).
 */
[[nodiscard]] status json_object_load(std::string_view text, json_ptr &out)
    noexcept;

/* a JSON string's bytes (embedded NULs included); "" for a non-string */
[[nodiscard]] std::string_view json_text(json_t *v) noexcept;

/* RFC 7519 §4.1.3 shape: a string, or an array holding only strings */
[[nodiscard]] bool is_string_list(json_t *v) noexcept;

/* a string equal to one of values, or an array holding such a string */
[[nodiscard]] bool json_holds(json_t *v, string_list values) noexcept;

/*
 * The record text of a claim value (claims.hpp): strings as they are,
 * arrays of strings space-joined, numbers in decimal, true/false, other
 * values as compact JSON; control bytes become spaces; kind says which
 * (claim_kind).  False for null, which has no text and is skipped.
 * Throws std::bad_alloc.
 */
bool claim_text(json_t *v, std::string &text, claim_kind &kind);

/*
 * RFC 7519 §4.1.3 "aud" (is_string_list checked by the caller): the
 * values without a space or control byte, space-joined, so that each
 * value is compared whole; any other value can never equal a configured
 * audience (visible ASCII without spaces).  Throws std::bad_alloc.
 */
void audience_text(json_t *v, std::string &text);

/*
 * Appends every member of object to the record with claim_text(), in
 * order, except the names in skip (and the empty name).  Throws
 * std::bad_alloc.
 */
void append_claims(json_t *object, std::string &record,
                   string_list skip);

/*
 * The claims record of a verified JWT: the JWT mark holding the client
 * (claims.hpp), sub, the granted scope (scope or scp), aud, then every
 * other claim of the payload.  ok, malformed (payload unreadable, which
 * parse_jwt() already refused) or internal.
 */
[[nodiscard]] status jwt_record(const jwt &tok, std::string &record)
    noexcept;

}  // namespace api_auth

#endif

/*
 * api_auth core: the claims record stored with each cached token.
 *
 * A flat byte string, so that it can live in shared memory and be read on
 * a cache hit without parsing JSON or allocating:
 *
 *   record = *( name_len:u8 name kind_len:u16le value )
 *   kind_len = kind << 14 | value_len     (value_len < 16384)
 *
 * Values are claim values as text: strings as they are, arrays of strings
 * space-joined, numbers in decimal, true/false, other values as compact
 * JSON; control bytes become spaces.  Two claims the policy splits on
 * spaces are stored only where that split is exact (introspection.hpp):
 * "scope" only if it is an RFC 6749 §3.3 scope string, and "aud" only
 * with the values that hold no space or control byte.  Lookups scan the
 * record (it is small and bounded).
 */

#ifndef API_AUTH_CORE_CLAIMS_HPP
#define API_AUTH_CORE_CLAIMS_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace api_auth {

constexpr size_t max_claims_record = 2048;

/*
 * What a value was, for api_auth_require_claim: a JSON string; an array
 * of strings, each without a space or control byte, space-joined (so
 * that splitting on spaces gives them back exactly); anything else
 * (numbers, booleans, objects, other arrays), which no required value
 * ever matches.
 */
enum class claim_kind : uint8_t { text = 0, list = 1, other = 2 };

/*
 * The entry that marks a verified JWT's record, its value the client
 * (api_auth_jwt_client_claim).  Its name starts with a NUL byte, which no
 * introspection answer can produce (jansson gives member names as C
 * strings, and an empty name is never stored).
 */
constexpr std::string_view  jwt_mark("\0jwt", 4);

/*
 * Appends one claim unless the record would grow past max_claims_record,
 * the name is empty or over 255 bytes, or the value is over 16383 bytes.
 * Returns false when the claim was skipped.  May throw std::bad_alloc.
 */
[[nodiscard]] bool claims_append(std::string &record, std::string_view name,
                                 std::string_view value,
                                 claim_kind kind = claim_kind::text);

/* the first claim named `name`; false if absent or the record is corrupt */
[[nodiscard]] bool claims_find(std::string_view record, std::string_view name,
                               std::string_view &value) noexcept;
[[nodiscard]] bool claims_find(std::string_view record, std::string_view name,
                               std::string_view &value, claim_kind &kind)
    noexcept;

/*
 * api_auth_require_claim: the claim `name` of the record is a string
 * equal to one of values, or an array (claim_kind::list) holding one.
 */
[[nodiscard]] bool claims_hold(std::string_view record, std::string_view name,
                               const std::string_view *values, size_t n)
    noexcept;

}  // namespace api_auth

#endif

/*
 * api_auth core: the parts of the key file parser (keyfile.hpp) that its
 * two files share.  Internal to src/core (and its Check tests).
 */

#ifndef API_AUTH_CORE_KEYFILE_PARSE_HPP
#define API_AUTH_CORE_KEYFILE_PARSE_HPP

#include <string>
#include <string_view>
#include <vector>

#include "keyfile.hpp"

namespace api_auth {

/* the fields of one line, views into it */
using fields_t = std::vector<std::string_view>;

/* a NAME, and a tier= value: 1..64 of A-Za-z0-9._- */
constexpr size_t            max_key_name_len = 64;
constexpr std::string_view  key_name_chars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-";

/*
 * "s" for an error reason: '"' and '\' escaped, bytes outside visible
 * ASCII as \xHH, cut after 32 bytes with "..." (never a whole key or
 * hash).  Throws std::bad_alloc.
 */
[[nodiscard]] std::string key_quoted(std::string_view s);

/*
 * The NAME=VALUE options of a line (fields[2] on) into e, whose name,
 * subject, scope, tier and not_after the caller has set to their
 * defaults; false with reason set on the first bad option.  Throws
 * std::bad_alloc.
 */
[[nodiscard]] bool key_parse_options(const fields_t &fields, key_entry &e,
                                     std::string &reason);

}  // namespace api_auth

#endif

/*
 * api_auth core: the API key file (SPEC.md "Key file").
 *
 *   # comment
 *   NAME  sha256:HEX  [scope="a b"] [subject=S] [not_after=RFC3339-UTC]
 *         [tier=T]
 *
 * Fields are separated by spaces or tabs; a field that starts with '#'
 * starts a comment to the end of the line (so "# ..." after whitespace is
 * a trailing comment).  Option values may be "quoted" (a quoted scope or
 * subject may hold spaces); each option at most once.  Lines may end in
 * CRLF; a leading UTF-8 BOM is skipped.  A file with no keys is valid.
 *
 * Parsed once at configuration time into a hash table keyed by digest;
 * a request does one hash lookup and one constant-time comparison, with
 * no file I/O and no allocation.
 */

#ifndef API_AUTH_CORE_KEYFILE_HPP
#define API_AUTH_CORE_KEYFILE_HPP

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>

#include "digest.hpp"

namespace api_auth {

struct key_entry {
    std::string  name;          /* 1-64 of A-Za-z0-9._- */
    std::string  subject;       /* subject= or NAME */
    std::string  scope;         /* scope="...", space-delimited, may be "" */
    std::string  tier;          /* tier=, syntax of a NAME, or "" */
    digest       hash;
    int64_t      not_after;     /* Unix time; 0 = never expires */
};

struct key_load_error {
    size_t       line;          /* 1-based; 0 when not tied to a line */
    std::string  reason;        /* e.g. "duplicate name \"gpt-prod\"" */
};

class key_table {
public:
    /*
     * Parses the whole file text.  On error returns false and fills err
     * with the first error's line and reason; the table is then empty.
     * Reasons never contain the hash value.  Allocates (configuration
     * time only) and may throw std::bad_alloc.
     */
    [[nodiscard]] bool load(std::string_view text, key_load_error &err);

    /* constant-time digest comparison; nullptr when unknown */
    [[nodiscard]] const key_entry *find(const digest &d) const noexcept;

    [[nodiscard]] size_t size() const noexcept { return keys_.size(); }

private:
    struct digest_hash {
        size_t operator()(const digest &d) const noexcept
        {
            size_t  h;

            /* the digest is uniformly distributed: use its first bytes */
            std::memcpy(&h, d.data(), sizeof(h));
            return h;
        }
    };

    struct digest_eq {
        bool operator()(const digest &a, const digest &b) const noexcept
        {
            return digest_equal(a, b);
        }
    };

    std::unordered_map<digest, key_entry, digest_hash, digest_eq>  keys_;
};

/* "2027-01-01T00:00:00Z" (RFC 3339, UTC "Z" only, optional fraction) */
[[nodiscard]] bool parse_rfc3339_utc(std::string_view s,
                                     int64_t &out) noexcept;

}  // namespace api_auth

#endif

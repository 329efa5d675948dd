/*
 * api_auth core: the claims record.
 *
 *   record = *( name_len:u8 name kind_len:u16le value )
 *
 * The record is written on a cache miss and read, in shared memory or in
 * a copy of it, on every cache hit; so the reader trusts nothing and stops
 * at the first entry that runs past the end.
 */

#include <cstdint>

#include "claims.hpp"

namespace api_auth {

static constexpr size_t  max_claim_name = 255;
static constexpr size_t  max_claim_value = 0x3fff;
static constexpr size_t  claim_overhead = 1 + 2;


bool
claims_append(std::string &record, std::string_view name,
              std::string_view value, claim_kind kind)
{
    size_t  need, tag;

    if (name.empty() || name.size() > max_claim_name
        || value.size() > max_claim_value)
    {
        return false;
    }

    need = claim_overhead + name.size() + value.size();

    if (record.size() > max_claims_record
        || need > max_claims_record - record.size())
    {
        return false;
    }

    /* one reservation, so that a bad_alloc leaves the record unchanged */
    record.reserve(record.size() + need);

    record.push_back(static_cast<char>(name.size()));
    record.append(name.data(), name.size());
    tag = static_cast<size_t>(kind) << 14 | value.size();

    record.push_back(static_cast<char>(tag & 0xff));
    record.push_back(static_cast<char>(tag >> 8));
    record.append(value.data(), value.size());

    return true;
}


bool
claims_find(std::string_view record, std::string_view name,
            std::string_view &value) noexcept
{
    claim_kind  kind;

    return claims_find(record, name, value, kind);
}


bool
claims_find(std::string_view record, std::string_view name,
            std::string_view &value, claim_kind &kind) noexcept
{
    size_t  pos, nlen, vlen;

    kind = claim_kind::other;

    value = std::string_view();
    pos = 0;

    while (pos < record.size()) {
        nlen = static_cast<uint8_t>(record[pos]);
        pos++;

        if (nlen == 0 || record.size() - pos < nlen + 2) {
            return false;       /* corrupt: empty name or truncated */
        }

        std::string_view  n = record.substr(pos, nlen);
        pos += nlen;

        vlen = static_cast<uint8_t>(record[pos])
               | static_cast<size_t>(static_cast<uint8_t>(record[pos + 1]))
                 << 8;
        pos += 2;

        if ((vlen >> 14) > static_cast<size_t>(claim_kind::other)) {
            return false;       /* corrupt: no such kind */
        }

        if (record.size() - pos < (vlen & max_claim_value)) {
            return false;
        }

        if (n == name) {
            kind = static_cast<claim_kind>(vlen >> 14);
            value = record.substr(pos, vlen & max_claim_value);
            return true;
        }

        vlen &= max_claim_value;

        pos += vlen;
    }

    return false;
}


bool
claims_hold(std::string_view record, std::string_view name,
            const std::string_view *values, size_t n) noexcept
{
    size_t            sp;
    claim_kind        kind;
    std::string_view  v, e;

    if (!claims_find(record, name, v, kind) || kind == claim_kind::other) {
        return false;
    }

    for (size_t i = 0; i < n; i++) {
        if (kind == claim_kind::text) {
            if (values[i] == v) {
                return true;
            }

            continue;
        }

        /* a list: each element whole, split on the single spaces */
        for (e = v; ; e.remove_prefix(sp + 1)) {
            sp = e.find(' ');

            if (e.substr(0, sp) == values[i]) {
                return true;
            }

            if (sp == std::string_view::npos) {
                break;
            }
        }
    }

    return false;
}

}  // namespace api_auth

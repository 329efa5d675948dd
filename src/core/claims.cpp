/*
 * api_auth core: the claims record.
 *
 *   record = *( name_len:u8 name value_len:u16le value )
 *
 * The record is written on a cache miss and read, in shared memory or in
 * a copy of it, on every cache hit; so the reader trusts nothing and stops
 * at the first entry that runs past the end.
 */

#include <cstdint>

#include "claims.hpp"

namespace api_auth {

static constexpr size_t  max_claim_name = 255;
static constexpr size_t  max_claim_value = 65535;
static constexpr size_t  claim_overhead = 1 + 2;


bool
claims_append(std::string &record, std::string_view name,
              std::string_view value)
{
    size_t  need;

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
    record.push_back(static_cast<char>(value.size() & 0xff));
    record.push_back(static_cast<char>(value.size() >> 8));
    record.append(value.data(), value.size());

    return true;
}


bool
claims_find(std::string_view record, std::string_view name,
            std::string_view &value) noexcept
{
    size_t  pos, nlen, vlen;

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

        if (record.size() - pos < vlen) {
            return false;
        }

        if (n == name) {
            value = record.substr(pos, vlen);
            return true;
        }

        pos += vlen;
    }

    return false;
}


bool
claims_hold(std::string_view record, std::string_view name,
            const std::string_view *values, size_t n) noexcept
{
    std::string_view  v;

    if (!claims_find(record, name, v)) {
        return false;
    }

    for (size_t i = 0; i < n; i++) {
        if (values[i] == v) {
            return true;
        }
    }

    return false;
}

}  // namespace api_auth

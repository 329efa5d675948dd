/*
 * api_auth core: OWS trimming and ASCII case folding.
 */

#include "text.hpp"

namespace api_auth {

std::string_view
trim_ows(std::string_view value) noexcept
{
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
        value.remove_prefix(1);
    }

    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
        value.remove_suffix(1);
    }

    return value;
}


bool
iequal(std::string_view s, std::string_view lower) noexcept
{
    if (s.size() != lower.size()) {
        return false;
    }

    for (size_t i = 0; i < s.size(); i++) {
        unsigned char  c = static_cast<unsigned char>(s[i]);

        if ((c >= 'A' && c <= 'Z' ? c | 0x20 : c) != lower[i]) {
            return false;
        }
    }

    return true;
}

}  // namespace api_auth

/*
 * api_auth core: Prometheus text format 0.0.4 (see prometheus.hpp).
 */

#include "prometheus.hpp"

namespace api_auth {


void
prom_escape_label(std::string &out, std::string_view v)
{
    for (char c : v) {
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case '"':
            out += "\\\"";
            break;
        case '\n':
            out += "\\n";
            break;
        default:
            out += c;
        }
    }
}


void
prom_escape_help(std::string &out, std::string_view v)
{
    for (char c : v) {
        if (c == '\\') {
            out += "\\\\";

        } else if (c == '\n') {
            out += "\\n";

        } else {
            out += c;
        }
    }
}


void
prom_family(std::string &out, std::string_view name, std::string_view help,
            std::string_view type)
{
    out += "# HELP ";
    out += name;
    out += ' ';
    prom_escape_help(out, help);
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
}


void
prom_sample(std::string &out, std::string_view name,
            const prom_label *labels, size_t n, std::string_view value)
{
    out += name;

    for (size_t i = 0; i < n; i++) {
        out += i ? ',' : '{';
        out += labels[i].name;
        out += "=\"";
        prom_escape_label(out, labels[i].value);
        out += '"';
    }

    out += n ? "} " : " ";
    out += value;
    out += '\n';
}


void
prom_sample(std::string &out, std::string_view name,
            const prom_label *labels, size_t n, uint64_t value)
{
    prom_sample(out, name, labels, n, std::to_string(value));
}


std::string
prom_seconds(uint64_t msec)
{
    std::string  frac = std::to_string(msec % 1000);

    return std::to_string(msec / 1000) + "."
           + std::string(3 - frac.size(), '0') + frac;
}

}  // namespace api_auth

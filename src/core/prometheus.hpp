/*
 * api_auth core: the Prometheus text exposition format, version 0.0.4
 * (what the api_auth_metrics handler answers).
 *
 *   # HELP name text       ('\' and newline escaped)
 *   # TYPE name counter|gauge|histogram
 *   name{label="value",...} 42
 *
 * Label values are escaped ('\', '"' and newline); names are written as
 * given (the adapter's are constants).  Used at scrape time only, so it
 * appends to a std::string and may throw std::bad_alloc.
 */

#ifndef API_AUTH_CORE_PROMETHEUS_HPP
#define API_AUTH_CORE_PROMETHEUS_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace api_auth {

struct prom_label {
    std::string_view  name;
    std::string_view  value;
};

/* "# HELP" and "# TYPE" lines of a family */
void prom_family(std::string &out, std::string_view name,
                 std::string_view help, std::string_view type);

/* one sample; n labels (none: n = 0), the value already formatted */
void prom_sample(std::string &out, std::string_view name,
                 const prom_label *labels, size_t n, std::string_view value);

/* one sample with an unsigned integer value */
void prom_sample(std::string &out, std::string_view name,
                 const prom_label *labels, size_t n, uint64_t value);

/* appends v escaped for a label value: \\ \" \n */
void prom_escape_label(std::string &out, std::string_view v);

/* appends v escaped for HELP text: \\ \n */
void prom_escape_help(std::string &out, std::string_view v);

/* milliseconds as seconds, "12.345" */
std::string prom_seconds(uint64_t msec);

}  // namespace api_auth

#endif

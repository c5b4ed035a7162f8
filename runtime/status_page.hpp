#pragma once
/// The node's status page (runtime/status_page.html, embedded at build
/// time by runtime/embed_file.cmake): served at `/` on the HTTP port, one
/// self-contained HTML file that reads the JSON API of status_api.hpp.

#include <string_view>

namespace troupe::runtime {

std::string_view status_page_html();

} // namespace troupe::runtime

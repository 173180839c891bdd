#pragma once
// Text placed into HTML (and inline SVG): every string from the database goes through here.
#include <string>
#include <string_view>

namespace bitnas::cli {

// & < > " ' as character references, so the text is safe in element content and in quoted
// attribute values alike.
std::string html_escape(std::string_view text);

}  // namespace bitnas::cli

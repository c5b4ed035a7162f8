# Writes OUT, a C++ source defining troupe::runtime::NAME() as the text of
# IN (a raw string literal): cmake -DIN=... -DOUT=... -DNAME=... -P embed_file.cmake
file(READ "${IN}" text)
string(FIND "${text}" ")TROUPE_EMBED\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} holds the raw string's end marker")
endif()
file(WRITE "${OUT}.tmp"
  "// Generated from ${IN} by runtime/embed_file.cmake: do not edit.\n"
  "#include <string_view>\n\nnamespace troupe::runtime {\n\n"
  "std::string_view ${NAME}() {\n  static constexpr char text[] = R\"TROUPE_EMBED(${text})TROUPE_EMBED\";\n"
  "  return {text, sizeof text - 1};\n}\n\n} // namespace troupe::runtime\n")
file(RENAME "${OUT}.tmp" "${OUT}")

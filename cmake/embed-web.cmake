# Writes a C file holding the web page's assets, so that `ferry serve`
# serves the page with no file beside the binary and no network.
# Run as: cmake -DOUT=file.c -DROOT=web -P embed-web.cmake (every file of
# ROOT, in name order, so the output is the same on every machine).
# Each asset becomes a byte array and a row of the server's table
# ferry_server__assets (srv_asset, src/server/server.h), which the static-
# asset hook (src/server/assets.c) serves; the content type follows the
# file's extension.

set(body "/* Generated from web/ by cmake/embed-web.cmake: do not edit. */\n")
string(APPEND body "#include \"server.h\"\n\n")
file(GLOB FILES RELATIVE "${ROOT}" "${ROOT}/*")
list(SORT FILES)
set(rows "")
set(n 0)
foreach(f IN LISTS FILES)
	file(READ "${ROOT}/${f}" hex HEX)
	string(LENGTH "${hex}" len)
	math(EXPR size "${len} / 2")
	string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
	string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)"
		"\\1\n" bytes "${bytes}")
	if(f MATCHES "\\.html$")
		set(type "text/html; charset=utf-8")
	elseif(f MATCHES "\\.js$")
		set(type "text/javascript; charset=utf-8")
	elseif(f MATCHES "\\.css$")
		set(type "text/css; charset=utf-8")
	elseif(f MATCHES "\\.png$")
		set(type "image/png")
	elseif(f MATCHES "\\.svg$")
		set(type "image/svg+xml")
	else()
		message(FATAL_ERROR "embed-web: no content type for ${f}")
	endif()
	string(APPEND body "static const unsigned char asset${n}[] = {\n${bytes}0x00};\n")
	string(APPEND rows "\t{ \"/${f}\", \"${type}\", asset${n}, ${size} },\n")
	math(EXPR n "${n} + 1")
endforeach()
string(APPEND body "\nconst srv_asset ferry_server__assets[] = {\n${rows}")
string(APPEND body "\t{ NULL, NULL, NULL, 0 }\n};\n")
file(WRITE "${OUT}.tmp" "${body}")
execute_process(COMMAND "${CMAKE_COMMAND}" -E copy_if_different
	"${OUT}.tmp" "${OUT}")
file(REMOVE "${OUT}.tmp")

# ngx_http_api_auth_module: C++ flags on the C++ objects only (STYLE.md R16).
# nginx's CFLAGS also compile the generated C file ngx_modules.c, where
# -std=c++17 or -fvisibility-inlines-hidden would be fatal errors.

for ngx_src in $API_AUTH_CXX_SRCS; do
    ngx_dir=`basename \`dirname $ngx_src\``
    ngx_obj=$NGX_OBJS/addon/$ngx_dir/`basename $ngx_src .cpp`.o
    echo "$ngx_obj: CFLAGS += -std=c++17 -fvisibility=hidden" \
         "-fvisibility-inlines-hidden $API_AUTH_EXTRA_CXXFLAGS" \
         >> $NGX_MAKEFILE
done

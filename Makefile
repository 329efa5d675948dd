# ngx_http_api_auth_module
#
#   make            build the module (build/nginx/objs/*.so)
#   make run        build and start the demo (conf.example) in the foreground
#   make test       unit tests + Test::Nginx suite, with a summary
#   make unit       Check unit tests of src/core
#   make lint       style checks
#   make key NAME=n [SCOPE="a b"]   print a new API key and its key-file line
#   make clean

SHELL := /bin/bash
.DEFAULT_GOAL := module

NGINX_SRC  ?= /usr/share/nginx/src
NGINX_BIN  ?= /usr/sbin/nginx
BUILD      := $(CURDIR)/build
MODULE     := $(BUILD)/nginx/objs/ngx_http_api_auth_module.so

BUILD_DEPS := nginx nginx-dev libjansson-dev libssl-dev check pkg-config \
              g++ make
TEST_DEPS  := libnginx-mod-http-echo libtest-base-perl libtext-diff-perl \
              libtest-longstring-perl liblist-moreutils-perl liburi-perl \
              libhttp-message-perl curl
RUN_DEPS   := curl

SRCS := $(wildcard src/*.cpp src/*.h src/core/*.cpp src/core/*.hpp)

UNIT_CXXFLAGS := -std=c++17 -Wall -Wextra -Werror -g \
                 -fsanitize=address,undefined -fno-sanitize-recover=all

.PHONY: module deps test-deps unit test integration run lint key clean

deps:
	@util/deps.sh $(BUILD_DEPS)

test-deps: deps
	@util/deps.sh $(TEST_DEPS)

module: deps $(MODULE)

$(BUILD)/nginx/objs/Makefile: config config.make
	rm -rf $(BUILD)/nginx
	mkdir -p $(BUILD)
	cp -r $(NGINX_SRC) $(BUILD)/nginx
	cd $(BUILD)/nginx && . ./conf_flags && ./configure \
	    --with-cc-opt="-g -O2 -fPIC -fstack-protector-strong -D_FORTIFY_SOURCE=2" \
	    --with-ld-opt="-Wl,-z,relro -Wl,-z,now" \
	    "$${NGX_CONF_FLAGS[@]}" --add-dynamic-module=$(CURDIR) >configure.log \
	    || { tail -20 configure.log; exit 1; }

$(MODULE): $(BUILD)/nginx/objs/Makefile $(SRCS)
	$(MAKE) -s -C $(BUILD)/nginx -f objs/Makefile modules
	@echo "built $(MODULE)"

$(BUILD)/unit: $(SRCS) $(wildcard t/unit/*.cpp)
	@mkdir -p $(BUILD)
	g++ $(UNIT_CXXFLAGS) -Isrc/core src/core/*.cpp t/unit/*.cpp \
	    $$(pkg-config --cflags --libs check jansson libcrypto) -o $@

unit: deps $(BUILD)/unit
	$(BUILD)/unit

# the project's Test::Nginx runner only where the real one is missing
PROVE_INC = $(shell perl -MTest::Nginx::Socket -e1 2>/dev/null || echo -I t/lib)

# the real authorization server (t/as, Node.js) for t/040-oidc-e2e.t
AS_PORT_TEST := 9181
AS_TEST_ENV  := AS_PORT=$(AS_PORT_TEST) AS_PIDFILE=$(CURDIR)/t/as/as-test.pid \
                AS_LOG=$(CURDIR)/t/as/as-test.log

integration: test-deps module
	@command -v node >/dev/null || util/deps.sh nodejs npm
	@$(AS_TEST_ENV) t/as/stop.sh >/dev/null 2>&1 || true
	$(AS_TEST_ENV) t/as/start.sh
	@set +e; \
	TEST_NGINX_BINARY=$(NGINX_BIN) \
	TEST_NGINX_LOAD_MODULES="$(MODULE) /usr/lib/nginx/modules/ngx_http_echo_module.so" \
	TEST_NGINX_DATA_DIR=$(CURDIR)/t/data \
	TEST_NGINX_AS_PORT=$(AS_PORT_TEST) \
	prove $(PROVE_INC) -r $(or $(T),t/[0-9]*.t); rc=$$?; \
	$(AS_TEST_ENV) t/as/stop.sh >/dev/null 2>&1; exit $$rc

test: test-deps module
	@set -o pipefail; \
	unit=fail; integ=fail; \
	$(MAKE) -s unit 2>&1 | tee $(BUILD)/unit.log && unit=ok; \
	$(MAKE) -s integration 2>&1 | tee $(BUILD)/integration.log && integ=ok; \
	echo; echo "==== summary ===="; \
	echo "unit (Check):        $$unit  $$(grep -Eo '[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' $(BUILD)/unit.log | tail -1)"; \
	echo "integration (prove): $$integ  $$(grep -E '^(Files=|Result:)' $(BUILD)/integration.log | tr '\n' ' ')"; \
	[ $$unit = ok ] && [ $$integ = ok ]

run: module
	@util/deps.sh $(RUN_DEPS)
	util/demo.sh $(NGINX_BIN) $(MODULE)

lint:
	@! grep -rnE '\bngx_|\bNGX_' src/core || \
	    { echo "lint: src/core must not mention nginx"; exit 1; }
	@! grep -rnP '\t' src || { echo "lint: tabs in src"; exit 1; }
	@! grep -rnE '^.{81,}$$' src || { echo "lint: lines over 80 columns"; exit 1; }
	@echo "lint: ok"

key:
	@util/key.sh "$(NAME)" "$(SCOPE)"

clean:
	rm -rf $(BUILD) t/servroot

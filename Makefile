# simsweep - thin wrapper around meson. `make run` and `make test` work on a
# fresh Debian machine: they install missing packages first (scripts/bootstrap).
BUILD ?= build
ASAN_BUILD ?= build-asan
SAMPLE ?= $(BUILD)/samples/nbiot-lte-gsm_847M_2.4M.cu8

.PHONY: all bootstrap build run test test-asan samples clean

all: build

bootstrap:
	@scripts/bootstrap

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=debugoptimized

build: bootstrap $(BUILD)/build.ninja
	ninja -C $(BUILD)

run: build
	$(BUILD)/cli/simsweep analyze $(SAMPLE)

test: build
	meson test -C $(BUILD) --print-errorlogs --num-processes 2

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false

test-asan: bootstrap $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)
	ASAN_OPTIONS=detect_leaks=1 meson test -C $(ASAN_BUILD) --print-errorlogs --num-processes 2 --timeout-multiplier 3

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)

# simsweep - thin wrapper around meson. `make run` and `make test` work on a
# fresh Debian machine: they install missing packages first (scripts/bootstrap).
BUILD ?= build
ASAN_BUILD ?= build-asan
SAMPLE ?= $(BUILD)/samples/nbiot-lte-gsm_847M_2.4M.cu8
# Fuzzing (clang, libFuzzer, ASan+UBSan) and valgrind get build directories of their own.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
VALGRIND_BUILD ?= build-rel
# The soak run (monitor for SOAK_S seconds against the test rtl_tcp server).
SOAK_BUILD ?= build-soak
SOAK_S ?= 600

.PHONY: all bootstrap build run test test-asan samples clean fuzz valgrind soak bench eval

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

# Each libFuzzer target for FUZZ_SECONDS; fails on the first crash of any
# (inputs kept in $(FUZZ_BUILD)/fuzz/artifacts/, results in $(FUZZ_BUILD)/fuzz/results).
$(FUZZ_BUILD)/build.ninja:
	CC=clang meson setup $(FUZZ_BUILD) --buildtype=debugoptimized -Dfuzz=true -Db_lundef=false

fuzz:
	@scripts/bootstrap fuzz
	@$(MAKE) --no-print-directory $(FUZZ_BUILD)/build.ninja
	tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# valgrind memcheck (no invalid access, no leak) over analyze on the
# samples and the SigMF/WAV seeds, and over the fuzz targets' replays.
$(VALGRIND_BUILD)/build.ninja:
	meson setup $(VALGRIND_BUILD) --buildtype=debugoptimized

valgrind:
	@scripts/bootstrap valgrind
	@$(MAKE) --no-print-directory $(VALGRIND_BUILD)/build.ninja
	ninja -C $(VALGRIND_BUILD)
	tests/fuzz/valgrind.sh $(VALGRIND_BUILD)

# Monitor against the test rtl_tcp server for SOAK_S seconds (default 600;
# SOAK_S=60 for a quick run) of accelerated stream with random disconnects
# and retunes: RSS flat, every lost sample accounted, the bursts of the
# stretches without loss identical to `analyze` (tests/soak.sh). Not part of
# `make test`: too long.
$(SOAK_BUILD)/build.ninja:
	meson setup $(SOAK_BUILD) --buildtype=debugoptimized

soak:
	@scripts/bootstrap
	@$(MAKE) --no-print-directory $(SOAK_BUILD)/build.ninja
	ninja -C $(SOAK_BUILD)
	SOAK_S=$(SOAK_S) tests/soak.sh $(SOAK_BUILD)

bench: build
	bench/run_bench.sh $(BUILD)

# Classifier evaluation, long form (the CI runs the short one as a test).
eval: build
	$(BUILD)/tests/simsweep_eval

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)

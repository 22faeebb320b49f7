#!/usr/bin/env python3
"""Write the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/).

The seeds are committed; run this again only to change them. Each is small:
a valid case of every shape the reader accepts, and the edge cases of every
numeric field (sample rates, sizes, offsets, times) it must refuse or
survive. Deterministic: the same files on every run.
"""
import json
import math
import os
import random
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(7)


def put(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# --- SigMF metadata (the data file beside it holds 4000 bytes) ----------

def meta(global_=None, captures=None, annotations=None, raw_global=None):
    g = {"core:datatype": "cu8", "core:sample_rate": 2400000, "core:version": "1.0.0"}
    if global_ is not None:
        g.update(global_)
    if raw_global is not None:
        g = raw_global
    m = {"global": g}
    if captures is not None:
        m["captures"] = captures
    m["annotations"] = annotations or []
    return json.dumps(m, indent=1)


put("sigmf", "valid_cu8.sigmf-meta", meta(captures=[
    {"core:sample_start": 0, "core:frequency": 847e6,
     "core:datetime": "2024-05-01T12:00:00.000001Z"}]))
put("sigmf", "valid_ci8.sigmf-meta", meta({"core:datatype": "ci8"}, [{"core:sample_start": 0}]))
put("sigmf", "valid_ci16.sigmf-meta", meta({"core:datatype": "ci16_le", "core:sample_rate": 1e6},
                                           [{"core:sample_start": 0, "core:frequency": 1.8e9}]))
put("sigmf", "valid_cf32.sigmf-meta", meta({"core:datatype": "cf32_le", "core:sample_rate": 1.92e6}))
put("sigmf", "no_captures.sigmf-meta", meta())
put("sigmf", "three_captures.sigmf-meta", meta(captures=[
    {"core:sample_start": 0, "core:frequency": 847e6, "core:datetime": "2024-05-01T12:00:00Z"},
    {"core:sample_start": 500, "core:frequency": 852e6},
    {"core:sample_start": 1999, "core:frequency": 1.7e9,
     "core:datetime": "2024-05-01T12:00:01.5+02:00"}]))
put("sigmf", "capture_skips_start.sigmf-meta", meta(captures=[{"core:sample_start": 1000}]))
# numeric fields at and past their limits
for name, v in [("8EB", 8e18), ("2p53", 9007199254740992), ("2p53_plus", 9007199254740994),
                ("2p64", 18446744073709551616.0), ("neg", -1), ("frac", 0.5),
                ("beyond_end", 2000), ("last", 1999), ("huge_exp", 1e308)]:
    put("sigmf", "sample_start_%s.sigmf-meta" % name,
        meta(captures=[{"core:sample_start": 0}, {"core:sample_start": v}]))
put("sigmf", "sample_start_8EB_only.sigmf-meta", meta(captures=[{"core:sample_start": 8e18}]))
put("sigmf", "sample_start_string.sigmf-meta", meta(captures=[{"core:sample_start": "0"}]))
put("sigmf", "sample_start_decreasing.sigmf-meta",
    meta(captures=[{"core:sample_start": 10}, {"core:sample_start": 5}]))
put("sigmf", "sample_start_missing.sigmf-meta",
    meta(captures=[{"core:sample_start": 0}, {"core:frequency": 1e6}]))
for name, v in [("zero", 0), ("neg", -2.4e6), ("tiny", 1e-300), ("one", 1), ("huge", 1e300),
                ("max", 1e11), ("over_max", 1.0000001e11), ("pipeline_max", 1e10),
                ("gsps", 1e9)]:
    put("sigmf", "rate_%s.sigmf-meta" % name, meta({"core:sample_rate": v}))
put("sigmf", "rate_string.sigmf-meta", meta({"core:sample_rate": "2.4M"}))
put("sigmf", "rate_missing.sigmf-meta",
    meta(raw_global={"core:datatype": "cu8", "core:version": "1.0.0"}))
for name, v in [("huge", 1e308), ("neg", -847e6), ("zero", 0)]:
    put("sigmf", "freq_%s.sigmf-meta" % name, meta(captures=[{"core:frequency": v}]))
for name, v in [("leap", "2016-12-31T23:59:60Z"), ("first", "1678-01-01T00:00:00+23:59"),
                ("last", "2262-03-31T23:59:59.999999999-23:59"), ("year9999", "9999-12-31T23:59:59Z"),
                ("bad", "yesterday"), ("ns", "2024-05-01T12:00:00.123456789123Z"),
                ("feb30", "2024-02-30T00:00:00Z")]:
    put("sigmf", "datetime_%s.sigmf-meta" % name,
        meta(captures=[{"core:sample_start": 0, "core:datetime": v}]))
for dt in ["cu8_le", "ci16_be", "rf32_le", "cf64_le", "ci32_le", "", "c"]:
    put("sigmf", "datatype_%s.sigmf-meta" % (dt or "empty"), meta({"core:datatype": dt}))
put("sigmf", "not_object.sigmf-meta", "[1,2,3]")
put("sigmf", "global_array.sigmf-meta", '{"global":[],"captures":[]}')
put("sigmf", "captures_object.sigmf-meta", meta().replace('"annotations"', '"captures":{},"x"', 1))
put("sigmf", "truncated.sigmf-meta", meta(captures=[{"core:sample_start": 0}])[:60])
put("sigmf", "empty.sigmf-meta", "")
put("sigmf", "deep.sigmf-meta", "[" * 2000 + "]" * 2000)
put("sigmf", "many_captures.sigmf-meta",
    meta(captures=[{"core:sample_start": i * 3} for i in range(600)]))
put("sigmf", "nul_inside.sigmf-meta", meta().encode()[:20] + b"\0" + meta().encode()[20:])
put("sigmf", "utf8_keys.sigmf-meta",
    '{"global":{"core:datatype":"cu8","core:sample_rate":2.4e6,"\\u00e9\\ud83d\\ude00":1}}')

# --- WAV ---------------------------------------------------------------


def chunk(tag, body):
    pad = b"\0" if len(body) % 2 else b""
    return tag + struct.pack("<I", len(body)) + body + pad


def wav(fmt_tag, channels, rate, bits, frames, data=None, data_size=None, riff_size=None,
        extra=b""):
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", fmt_tag, channels, rate, (rate * block) & 0xFFFFFFFF, block,
                      bits) + extra
    if data is None:
        data = bytes(rng.randrange(256) for _ in range(frames * block))
    body = b"WAVE" + chunk(b"fmt ", fmt)
    if data_size is None:
        body += chunk(b"data", data)
    else:
        body += b"data" + struct.pack("<I", data_size) + data
    size = len(body) if riff_size is None else riff_size
    return b"RIFF" + struct.pack("<I", size) + body


put("wav", "pcm_u8.wav", wav(1, 2, 2400000, 8, 300))
put("wav", "pcm_s16.wav", wav(1, 2, 1000000, 16, 300))
put("wav", "pcm_s24.wav", wav(1, 2, 192000, 24, 200))
put("wav", "pcm_s32.wav", wav(1, 2, 192000, 32, 200))
put("wav", "float32.wav", wav(3, 2, 2048000, 32, 100,
                              data=struct.pack("<200f", *[rng.uniform(-2, 2) for _ in range(200)])))
put("wav", "float32_nan_inf.wav", wav(3, 2, 2048000, 32, 4,
                                      data=struct.pack("<8f", math.nan, math.inf, -math.inf, 0,
                                                       1e38, -1e38, 1e-45, -0.0)))
put("wav", "float64.wav", wav(3, 2, 2048000, 64, 50,
                              data=struct.pack("<100d", *[rng.uniform(-1, 1) for _ in range(100)])))
put("wav", "mono.wav", wav(1, 1, 48000, 16, 100))
put("wav", "four_channels.wav", wav(1, 4, 48000, 16, 50))
put("wav", "rate_zero.wav", wav(1, 2, 0, 16, 50))
put("wav", "rate_one.wav", wav(1, 2, 1, 16, 50))
put("wav", "rate_max.wav", wav(1, 2, 0xFFFFFFFF, 16, 50))
put("wav", "rate_2p31.wav", wav(1, 2, 0x80000000, 16, 50))
put("wav", "data_size_4G.wav", wav(1, 2, 2400000, 8, 50, data_size=0xFFFFFFFF))
put("wav", "data_size_odd.wav", wav(1, 2, 2400000, 16, 50, data_size=201))
put("wav", "riff_size_small.wav", wav(1, 2, 2400000, 16, 50, riff_size=12))
put("wav", "no_data_chunk.wav", wav(1, 2, 2400000, 16, 0, data=b"")[:36])
put("wav", "header_only.wav", wav(1, 2, 2400000, 16, 0, data=b""))
put("wav", "truncated_sample.wav", wav(1, 2, 2400000, 16, 10)[:-3])
put("wav", "alaw.wav", wav(6, 2, 8000, 8, 50))
put("wav", "adpcm.wav", wav(2, 2, 8000, 4, 50, extra=struct.pack("<HH", 2, 505)))
put("wav", "bits_zero.wav", wav(1, 2, 48000, 0, 0, data=b"\0" * 16))
put("wav", "extensible.wav",
    wav(0xFFFE, 2, 2400000, 16, 100,
        extra=struct.pack("<HHI", 22, 16, 3) + bytes.fromhex("0100000000001000800000aa00389b71")))
# SDR#'s auxi chunk before the data
aux = chunk(b"auxi", struct.pack("<8H", 2023, 11, 5, 10, 10, 11, 12, 0) + b"\0" * 40)
w = wav(1, 2, 2400000, 16, 64)
put("wav", "sdrsharp_auxi.wav", w[:36] + aux + w[36:])
put("wav", "rf64_like.wav", b"RF64" + wav(1, 2, 2400000, 16, 16)[4:])
put("wav", "empty.wav", b"")
put("wav", "riff_only.wav", b"RIFF\xff\xff\xff\xffWAVE")

# --- names and raw bytes ----------------------------------------------

names = [
    "car_847M_2.4M.cu8", "g001_868.3M_1000k.cs16", "gsm-uplink_1.0833M.cf32", "car_847M.cu8",
    "SDRSharp_20231110_101112Z_847000000Hz_IQ.wav", "SDRuno_20200904_204456Z_1090000kHz.wav",
    "HDSDR_20231110_101112_847000kHz_RF.wav", "x_2.4Msps_847MHz.cs8", "x_847MHz_2.4M_1G.cs16",
    "dir/sub/rec_1800M_2M.sc16", "no_tags.cfile", "1.5G", "a_0.0M_0k.cu8",
    "a_" + "9" * 47 + "M.cu8", "a_" + "9" * 60 + "M.cu8", "a_" + "9" * 400 + "M_2M.cu8",
    "SDRSharp_20231310_101112Z_1Hz.wav", "SDRSharp_99991231_235959Z_1Hz.wav",
    "SDRSharp_16000101_000000Z_1Hz.wav", "rec.sigmf-meta", "rec.sigmf", "rec.wav", ".cu8",
    "____.cu8", "a_1.M_.5M.cu8", "a_1e9_2.4M.cs16", "a_2.4m.fc32", "x.CU8", "x_2M.bin",
]
for i, n in enumerate(names):
    put("raw_names", "name%02d" % i, n)
# a name, a NUL, then samples in the file named after it
put("raw_names", "named_cu8", b"car_847M_2.4M.cu8\0" + bytes(rng.randrange(256) for _ in range(200)))
put("raw_names", "named_cf32", b"r_1M.cf32\0" + struct.pack("<16f", *([math.nan, math.inf] * 8)))
put("raw_names", "named_cs16_partial", b"r_1M.cs16\0" + b"\x01\x02\x03")
put("raw_names", "named_wav", b"SDRSharp_20231110_101112Z_847000000Hz_IQ.wav\0" +
    wav(1, 2, 2400000, 16, 16)[:44])
put("raw_names", "empty", b"")

# --- numbers and times --------------------------------------------------

units = [
    "2.4M", "868.3M", "1000k", "1.2G", "250000", "2.4e6", "847MHz", "2.4Msps", "2.4m", "1K",
    "1e308G", "1e309", "-1M", "nan", "inf", "0x1p3M", "1.8e308", "4.9e-324", " 1M", "1M ", "",
    "M", "1MM", "1Ghz", "1.5s",
    "2023-11-10T10:11:12Z", "2023-11-10T10:11:12.123456Z", "2023-11-10T10:11:12.5+00:00",
    "2023-11-10 10:11:12", "2023-11-10t10:11:12,25z", "2016-12-31T23:59:60Z",
    "2024-02-29T00:00:00+05:30", "2023-02-29T00:00:00Z", "1678-01-01T00:00:00Z",
    "1677-12-31T23:59:59Z", "2262-03-31T23:59:59.999999999-23:59", "2262-04-11T23:47:16Z",
    "2023-11-10T10:11:12.1234567891234Z", "2023-11-10T10:11:12.Z", "2023-11-10T10:11:12+2",
    "2023-11-10T10:11:12+99:99", "2023-11-10T24:00:00Z", "2023-1-10T10:11:12Z", "2023-11-10T",
]
for i, u in enumerate(units):
    put("units", "u%02d" % i, u)
put("units", "int64_min", struct.pack("<q", -2**63))
put("units", "int64_max", struct.pack("<q", 2**63 - 1))
put("units", "int64_minus_one", struct.pack("<q", -1))

# --- pipeline: header (format, rate, fft, block, repeat, flags, threshold) + samples


def pipe(fmt, rate, fft, block, repeat, flags, thr, samples):
    return bytes([fmt, rate, fft, block, repeat, flags, thr]) + samples


def noise_burst_cu8(n, at, length, amp):
    out = bytearray()
    for k in range(n):
        i = rng.gauss(0, 4)
        q = rng.gauss(0, 4)
        if at <= k < at + length:
            ph = 0.7 * k
            i += amp * math.cos(ph)
            q += amp * math.sin(ph)
        out += bytes([max(0, min(255, int(round(127.5 + i)))), max(0, min(255, int(round(127.5 + q))))])
    return bytes(out)


put("pipeline", "cu8_burst_fft16", pipe(0, 3, 0, 2, 0, 16, 4, noise_burst_cu8(4000, 2500, 600, 40)))
put("pipeline", "cu8_burst_fft64_blk7", pipe(0, 1, 2, 2, 1, 1 | 8 | 32, 4, noise_burst_cu8(6000, 4000, 800, 60)))
put("pipeline", "cu8_events", pipe(0, 0, 1, 3, 3, 4 | 16 | 32 | 8, 0, noise_burst_cu8(3000, 1000, 500, 50)))
put("pipeline", "cu8_clipped", pipe(0, 5, 3, 5, 2, 2, 6, bytes([0, 255] * 3000)))
put("pipeline", "cs8_noise", pipe(1, 2, 4, 6, 0, 0, 8, bytes(rng.randrange(256) for _ in range(8000))))
put("pipeline", "cs16_full_scale", pipe(2, 4, 5, 7, 1, 1, 2, struct.pack("<4000h", *([32767, -32768] * 2000))))
put("pipeline", "cf32_nan_inf", pipe(3, 3, 0, 1, 3, 16, 0,
                                     struct.pack("<800f", *([math.nan, math.inf, -math.inf, 1e38] * 200))))
put("pipeline", "cf32_huge", pipe(3, 1, 1, 4, 2, 16 | 4, 1, struct.pack("<1000f", *[rng.choice([1e30, -1e30, 0.0, 1e-40]) for _ in range(1000)])))
put("pipeline", "cf32_silence", pipe(3, 2, 2, 3, 4, 16, 0, b"\0" * 8000))
put("pipeline", "cu8_one_sample", pipe(0, 0, 0, 0, 15, 0, 0, b"\x80\x80"))

# --- rtl_tcp: 12-byte header, a knob byte (staging size, recv sizes), cu8 stream


def rtl_header(magic=b"RTL0", tuner=5, gains=29):
    return magic + struct.pack(">II", tuner, gains)


def cu8_noise(n):
    return bytes(rng.randrange(256) for _ in range(n))


put("rtltcp", "r820t", rtl_header() + b"\x00" + cu8_noise(600))
put("rtltcp", "e4000_odd_stream", rtl_header(tuner=1, gains=14) + b"\x07" + cu8_noise(999))
put("rtltcp", "half_sample_end", rtl_header() + b"\x80" + cu8_noise(31))
put("rtltcp", "one_byte_stream", rtl_header() + b"\x01" + b"\x7f")
put("rtltcp", "stage_2_bytes", rtl_header() + b"\x00" + cu8_noise(257))
put("rtltcp", "stage_512_bytes", rtl_header() + b"\xff" + cu8_noise(2049))
put("rtltcp", "rails", rtl_header() + b"\x3c" + bytes([0, 255, 255, 0] * 100) + b"\x00")
put("rtltcp", "header_only", rtl_header())
put("rtltcp", "tuner_unknown", rtl_header(tuner=7) + b"\x10" + cu8_noise(64))
put("rtltcp", "tuner_max", rtl_header(tuner=0xFFFFFFFF) + b"\x10" + cu8_noise(64))
put("rtltcp", "gains_1000", rtl_header(gains=1000) + b"\x10" + cu8_noise(10))
put("rtltcp", "gains_1001", rtl_header(gains=1001) + b"\x10" + cu8_noise(10))
put("rtltcp", "gains_max", rtl_header(gains=0xFFFFFFFF))
put("rtltcp", "magic_http", b"HTTP/1.1 200" + b"\x00" + cu8_noise(20))
put("rtltcp", "magic_nul", b"\x00" * 12)
put("rtltcp", "magic_rtl1", rtl_header(magic=b"RTL1"))
put("rtltcp", "magic_lower", rtl_header(magic=b"rtl0"))
put("rtltcp", "magic_high_bytes", rtl_header(magic=b"\xff\x80\x1f\x7f"))
for k in range(0, 12, 3):
    put("rtltcp", "truncated_%d" % k, rtl_header()[:k])

# --- baseline and allowlist files (output/rules.c, README "Findings and outputs")


def rules_json(rules, kind=None, indent=None):
    doc = {"rules": rules}
    if kind:
        doc["kind"] = kind
    return json.dumps(doc, indent=indent)


put("rules", "allowlist", rules_json([
    {"freq_hz": 847.1e6, "note": "team logger"},
    {"band": "B3", "class": "lte", "note": "our phones"},
    {"freq_low_hz": 832e6, "freq_high_hz": 837e6, "class": "lte", "note": "range"},
    {"freq_hz": 847.1e6, "tolerance_hz": 50e3, "max_power_dbfs": -35, "note": "weak"},
    {"band": 20, "note": "band by number"}, {"band": "GSM850", "note": "gsm"},
    {"band": "e-gsm900", "note": "gsm"}, {"band": "DCS1800", "note": "gsm"},
    {"band": "PCS1900", "note": "gsm"}, {"class": "gsm", "note": "any GSM"}], indent=1))
put("rules", "allowlist_bare_array", json.dumps([{"freq_hz": 1.8e9, "note": "array"}]))
put("rules", "baseline", rules_json([
    {"freq_low_hz": 846.8e6, "freq_high_hz": 847.4e6, "class": "nbiot", "max_power_dbfs": -41.5,
     "note": "baseline: emitter 1, 3 clusters, periodic"},
    {"freq_low_hz": 850e6, "freq_high_hz": 851.2e6, "class": "lte", "max_power_dbfs": -30,
     "note": "baseline: emitter 2, 1 clusters"}], kind="baseline", indent=2))
put("rules", "empty_rules", '{"rules": []}')
put("rules", "kind_other", rules_json([{"class": "lte", "note": "x"}], kind="something"))
put("rules", "missing_note", rules_json([{"freq_hz": 847e6}]))
put("rules", "empty_note", rules_json([{"freq_hz": 847e6, "note": ""}]))
put("rules", "note_number", rules_json([{"freq_hz": 847e6, "note": 5}]))
put("rules", "note_long", rules_json([{"freq_hz": 847e6, "note": "n" * 1000}]))
put("rules", "class_long", rules_json([{"class": "c" * 40, "note": "x"}]))
put("rules", "class_15", rules_json([{"class": "c" * 15, "note": "x"}]))
put("rules", "class_number", rules_json([{"class": 3, "note": "x"}]))
put("rules", "freq_string", rules_json([{"freq_hz": "847M", "note": "x"}]))
put("rules", "freq_bool", rules_json([{"freq_hz": True, "note": "x"}]))
put("rules", "freq_null", rules_json([{"freq_hz": None, "note": "x"}]))
put("rules", "nothing_to_match", rules_json([{"note": "x"}]))
put("rules", "range_reversed", rules_json([{"freq_low_hz": 2e6, "freq_high_hz": 1e6, "note": "x"}]))
put("rules", "range_half", rules_json([{"freq_low_hz": 2e6, "note": "x"}]))
put("rules", "tolerance_negative", rules_json([{"freq_hz": 1e9, "tolerance_hz": -1, "note": "x"}]))
for name, v in [("1e308", 1e308), ("neg_1e308", -1e308), ("2p64", 18446744073709551616.0),
                ("neg", -847e6), ("zero", 0), ("tiny", 5e-324)]:
    put("rules", "freq_%s" % name, rules_json([{"freq_hz": v, "note": "x"}]))
    put("rules", "tolerance_%s" % name, rules_json([{"freq_hz": 847e6, "tolerance_hz": v,
                                                      "note": "x"}]))
    put("rules", "power_%s" % name, rules_json([{"class": "lte", "max_power_dbfs": v,
                                                  "note": "x"}], kind="baseline"))
put("rules", "range_1e308", rules_json([{"freq_low_hz": -1e308, "freq_high_hz": 1e308,
                                         "note": "x"}]))
put("rules", "freq_1e309", '{"rules":[{"freq_hz":1e309,"note":"x"}]}')
put("rules", "freq_nan", '{"rules":[{"freq_hz":NaN,"note":"x"}]}')
for name, v in [("huge", 1e300), ("neg", -3), ("zero", 0), ("int_max", 2147483647),
                ("2p31", 2147483648), ("frac", 20.5), ("unknown", 9999)]:
    put("rules", "band_num_%s" % name, rules_json([{"band": v, "note": "x"}]))
for name, v in [("b_huge", "B99999999999999999999"), ("b_neg", "B-20"), ("b_empty", "B"),
                ("lower", "b20"), ("unknown", "GSM9000"), ("empty", ""), ("bool", True),
                ("array", [20]), ("object", {"b": 20})]:
    put("rules", "band_%s" % name, rules_json([{"band": v, "note": "x"}]))
put("rules", "rule_not_object", '{"rules":[1, "two", [3], null]}')
put("rules", "rules_object", '{"rules":{"freq_hz":1,"note":"x"}}')
put("rules", "rules_missing", '{"kind":"baseline"}')
put("rules", "not_json", "freq_hz=847M note=team")
put("rules", "truncated", rules_json([{"freq_hz": 847.1e6, "note": "team logger"}])[:25])
put("rules", "empty", "")
put("rules", "deep_array", '{"rules":' + "[" * 2000 + "]" * 2000 + "}")
put("rules", "deep_object", '{"rules":[{"note":"x","class":"lte","z":' + '{"a":' * 1500 + "1" +
    "}" * 1500 + "}]}")
put("rules", "deep_ok", '{"rules":[{"note":"x","class":"lte","z":' + "[" * 900 + "]" * 900 + "}]}")
put("rules", "many_rules", rules_json([{"freq_hz": 800e6 + i * 1e5, "note": "r%d" % i}
                                       for i in range(500)]))
put("rules", "duplicate_keys", '{"rules":[{"note":"a","note":"","freq_hz":1e9,"freq_hz":"x"}]}')
put("rules", "nul_inside", b'{"rules":[{"note":"a\0b","freq_hz":1e9}]}')
put("rules", "utf8_note", rules_json([{"class": "lte", "note": "\u00e9\U0001f600 \\ \" \n"}]))

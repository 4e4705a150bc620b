"""Python anchors for tools/bench jsonschema: validations per second of jsonschema
(Draft202012Validator, compiled once, collecting ALL errors) and fastjsonschema (schema compiled
to Python code once; it stops at the FIRST error). Prints one line per measurement:
  ANCHOR <name> <case> <validations/s> <errors found>
"""
import json, sys, time
import jsonschema
import fastjsonschema

here = sys.argv[1]
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
schema = json.load(open(f"{here}/task-schema.json"))
valid = json.load(open(f"{here}/task-valid.json"))
invalid = json.load(open(f"{here}/task-invalid.json"))

def rate(fn):
    # Calibrate a batch, then time whole batches for about `seconds`.
    n, start = 0, time.perf_counter()
    batch = 1
    while time.perf_counter() - start < 0.2:
        for _ in range(batch): fn()
        n += batch; batch *= 2
    per = (time.perf_counter() - start) / n
    batch = max(1, int(seconds / per / 5))
    best = 0.0
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(batch): fn()
        best = max(best, batch / (time.perf_counter() - t0))
    return best

v = jsonschema.Draft202012Validator(schema)
errs_valid = len(list(v.iter_errors(valid)))
errs_invalid = len(list(v.iter_errors(invalid)))
assert errs_valid == 0, "jsonschema finds the valid instance invalid"
print(f"ANCHOR jsonschema valid {rate(lambda: list(v.iter_errors(valid))):.1f} {errs_valid}")
print(f"ANCHOR jsonschema invalid {rate(lambda: list(v.iter_errors(invalid))):.1f} {errs_invalid}")

f = fastjsonschema.compile(schema)
f(valid)
def fast_invalid():
    try:
        f(invalid)
    except fastjsonschema.JsonSchemaException:
        return 1
    raise AssertionError("fastjsonschema accepts the invalid instance")
fast_invalid()
print(f"ANCHOR fastjsonschema valid {rate(lambda: f(valid)):.1f} 0")
print(f"ANCHOR fastjsonschema invalid {rate(fast_invalid):.1f} 1")

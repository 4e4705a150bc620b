// Tests of the JSONSchema module.

// Tests of the BSON module.

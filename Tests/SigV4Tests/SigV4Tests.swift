// Tests of the SigV4 module.

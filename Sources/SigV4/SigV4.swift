// The SigV4 module; see the module's files for its parts.

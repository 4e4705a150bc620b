/// A MongoDB client: OP_MSG connections, SCRAM authentication, a pool, CRUD, cursors, sessions.
public enum MongoClientModule {}

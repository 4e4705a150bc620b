/// An S3 client on HTTPClient and SigV4.
public enum S3Module {}

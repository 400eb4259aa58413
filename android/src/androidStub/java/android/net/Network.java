// Stub of android.net.Network (API 36); see androidStub/README.md.
package android.net;

public class Network {}

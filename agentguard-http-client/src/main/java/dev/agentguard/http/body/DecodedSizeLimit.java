package dev.agentguard.http.body;

import java.io.IOException;

/** Fails a decoded body that grows beyond {@link BodyMaskingOptions#maxDecodedBytes()}. */
final class DecodedSizeLimit implements ByteSource {
    private final ByteSource decoded;
    private final long max;
    private long total;

    DecodedSizeLimit(ByteSource decoded, long max) {
        this.decoded = decoded;
        this.max = max;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        // Ask for one byte more than allowed at most, so the limit is exact.
        int n = decoded.read(b, off, (int) Math.min(len, max - total + 1));
        if (n > 0) {
            total += n;
            if (total > max) {
                throw new UnmaskableBodyException("the response body decodes to more than " + max
                        + " bytes (the limit BodyMaskingOptions.maxDecodedBytes): refused as a likely decompression"
                        + " bomb; raise the limit if such bodies are expected");
            }
        }
        return n;
    }

    @Override
    public void close() {
        decoded.close();
    }
}

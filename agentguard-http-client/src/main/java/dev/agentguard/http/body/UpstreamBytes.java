package dev.agentguard.http.body;

import java.nio.ByteBuffer;
import java.util.List;

/** The body's bytes as the HTTP client delivers them: one item (a list of buffers) at a time. */
final class UpstreamBytes implements ByteSource {
    private List<ByteBuffer> item = List.of();
    private int index;
    private boolean ended;
    private long received;

    /** Takes the next item; the previous one must have been read to its end. */
    void accept(List<ByteBuffer> buffers) {
        for (ByteBuffer b : buffers) {
            received += b.remaining();
        }
        item = buffers;
        index = 0;
    }

    /** The body has no more items. */
    void end() {
        ended = true;
    }

    /** Whether the current item has been read to its end. */
    boolean drained() {
        while (index < item.size() && !item.get(index).hasRemaining()) {
            index++;
        }
        return index >= item.size();
    }

    /** Whether the body has no more items (some may still be unread). */
    boolean ended() {
        return ended;
    }

    /** Unread bytes of the current item, at most {@code Integer.MAX_VALUE}. */
    int available() {
        long n = 0;
        for (int i = index; i < item.size(); i++) {
            n += item.get(i).remaining();
        }
        return (int) Math.min(Integer.MAX_VALUE, n);
    }

    /** Bytes received so far. */
    long received() {
        return received;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        int n = 0;
        while (n < len && !drained()) {
            ByteBuffer buffer = item.get(index);
            int k = Math.min(len - n, buffer.remaining());
            buffer.get(b, off + n, k);
            n += k;
        }
        if (n > 0) {
            return n;
        }
        return ended ? END : NEED_INPUT;
    }
}

package dev.agentguard.http;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.http.HttpClient;
import java.time.Duration;

/**
 * Reaches the lifecycle methods Java 21 added to {@link HttpClient} ({@code shutdown},
 * {@code shutdownNow}, {@code awaitTermination}, {@code isTerminated}, {@code close}) on a client
 * that has them, from code compiled for Java 17: without this, closing the guarded client would
 * leave the wrapped client's selector thread running until it is garbage collected.
 *
 * <p>A method is looked up on {@code HttpClient} first (Java 21 and later), then as a public
 * method of a public class of the client (a client on Java 17 that offers them). A client
 * without the method is left alone.
 */
final class ClientLifecycle {

    private ClientLifecycle() {
    }

    /** Calls {@code name()} on {@code client}; false when it has no such method. */
    static boolean run(HttpClient client, String name) {
        Method m = find(client, name);
        if (m == null) {
            return false;
        }
        invoke(m, client);
        return true;
    }

    /** {@code isTerminated()} of {@code client}, or {@code null} when it has none. */
    static Boolean isTerminated(HttpClient client) {
        Method m = find(client, "isTerminated");
        return m == null ? null : (Boolean) invoke(m, client);
    }

    /** {@code awaitTermination(duration)} of {@code client}, or {@code null} when it has none. */
    static Boolean awaitTermination(HttpClient client, Duration duration) throws InterruptedException {
        Method m = find(client, "awaitTermination", Duration.class);
        if (m == null) {
            return null;
        }
        try {
            return (Boolean) m.invoke(client, duration);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof InterruptedException ie) {
                throw ie;
            }
            throw rethrow(e);
        } catch (IllegalAccessException e) {
            return null;
        }
    }

    private static Method find(HttpClient client, String name, Class<?>... types) {
        try {
            return HttpClient.class.getMethod(name, types);
        } catch (NoSuchMethodException e) {
            // Not Java 21: the client's own class may still offer it.
        }
        Class<?> c = client.getClass();
        if (!Modifier.isPublic(c.getModifiers())) {
            return null;
        }
        try {
            Method m = c.getMethod(name, types);
            return Modifier.isPublic(m.getDeclaringClass().getModifiers()) ? m : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static Object invoke(Method m, HttpClient client) {
        try {
            return m.invoke(client);
        } catch (InvocationTargetException e) {
            throw rethrow(e);
        } catch (IllegalAccessException e) {
            return null;
        }
    }

    private static RuntimeException rethrow(InvocationTargetException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException r) {
            return r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new IllegalStateException(cause);
    }
}

/**
 * Levelled logging with the reference localproxy's `-v` scale, and redaction of secrets:
 * every line passes through the redactor, so an access or client token that reaches a
 * message by accident is still never printed.
 */

/** `-v` levels of the reference: 0 off, 1 fatal, 2 error, 3 warning, 4 info (default), 5 debug, 6 trace. */
export enum LogLevel {
  Off = 0,
  Fatal = 1,
  Error = 2,
  Warn = 3,
  Info = 4,
  Debug = 5,
  Trace = 6,
}

export const DEFAULT_LOG_LEVEL = LogLevel.Info;

const LEVEL_NAMES: Record<Exclude<LogLevel, LogLevel.Off>, string> = {
  [LogLevel.Fatal]: 'fatal',
  [LogLevel.Error]: 'error',
  [LogLevel.Warn]: 'warning',
  [LogLevel.Info]: 'info',
  [LogLevel.Debug]: 'debug',
  [LogLevel.Trace]: 'trace',
};

/** One log record, as a sink receives it (already redacted). */
export interface LogRecord {
  readonly time: Date;
  readonly level: Exclude<LogLevel, LogLevel.Off>;
  readonly scope: string;
  readonly message: string;
}

export type LogSink = (record: LogRecord) => void;

/**
 * Sees, in this process, every line any logger prints and every secret any redactor is
 * given. In memory only: no file, environment variable or I/O here. The product registers
 * none; the test suite's secret scan registers one (core/test-support/log-capture.mjs) to
 * prove afterwards that no secret ever reached a log. Called synchronously: keep it cheap.
 */
export interface LogObserver {
  /** A line as the CLI prints it (formatRecord), already redacted, whatever the sink does with it. */
  line(text: string): void;
  /** A secret given to a redactor: it must never appear in a line. */
  secret(value: string): void;
}

/**
 * The observers of this process, on the global object under a registered symbol rather than
 * in this module: one process can hold two copies of this module (the bundled CLI in
 * dist/cli and the compiled modules in dist/src-main, which a preload that watches the
 * command imports), and both must see one set.
 */
const OBSERVERS = Symbol.for('tunneldesk.log-observers');
const observers = ((globalThis as { [OBSERVERS]?: Set<LogObserver> })[OBSERVERS] ??=
  new Set<LogObserver>());

/** Registers an observer for every logger of this process; returns its remover. */
export function addLogObserver(observer: LogObserver): () => void {
  observers.add(observer);
  return () => {
    observers.delete(observer);
  };
}

export interface Logger {
  fatal(message: string): void;
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
  trace(message: string): void;
  /** Whether a level is printed: check before building an expensive message. */
  enabled(level: LogLevel): boolean;
  /** A logger for a part of the program, sharing level, sink and secrets. */
  child(scope: string): Logger;
}

/** Secrets that must never appear in a log line. Shared by every logger made from one root. */
export class SecretRedactor {
  private readonly secrets = new Set<string>();

  /** Registers a secret (an access token, a client token). Short strings are ignored: too easy to hit by chance. */
  add(secret: string | undefined): void {
    if (secret && secret.length >= 8) {
      this.secrets.add(secret);
      for (const observer of observers) observer.secret(secret);
    }
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join('<redacted>');
    }
    return out;
  }
}

/** Clamps a `-v` value to the scale: values above 6 mean trace, as in the reference. */
export function toLogLevel(verbosity: number): LogLevel {
  if (!Number.isInteger(verbosity) || verbosity < 0) {
    throw new RangeError(`verbosity must be a whole number from 0 to 255, got ${verbosity}`);
  }
  return Math.min(verbosity, LogLevel.Trace) as LogLevel;
}

/** Formats a record the way the CLI prints it. */
export function formatRecord(record: LogRecord): string {
  return `[${record.time.toISOString()}] [${LEVEL_NAMES[record.level]}] ${record.scope ? `[${record.scope}] ` : ''}${record.message}`;
}

/** A sink that prints to stderr: stdout stays free for what a script may parse. */
export const stderrSink: LogSink = (record) => {
  process.stderr.write(formatRecord(record) + '\n');
};

export interface LoggerOptions {
  level?: LogLevel;
  sink?: LogSink;
  redactor?: SecretRedactor;
  scope?: string;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? DEFAULT_LOG_LEVEL;
  const sink = options.sink ?? stderrSink;
  const redactor = options.redactor ?? new SecretRedactor();
  const scope = options.scope ?? '';
  const emit = (at: Exclude<LogLevel, LogLevel.Off>, message: string): void => {
    if (at > level) return;
    const record = { time: new Date(), level: at, scope, message: redactor.redact(message) };
    if (observers.size > 0) {
      const line = formatRecord(record);
      for (const observer of observers) observer.line(line);
    }
    sink(record);
  };
  return {
    fatal: (m) => emit(LogLevel.Fatal, m),
    error: (m) => emit(LogLevel.Error, m),
    warn: (m) => emit(LogLevel.Warn, m),
    info: (m) => emit(LogLevel.Info, m),
    debug: (m) => emit(LogLevel.Debug, m),
    trace: (m) => emit(LogLevel.Trace, m),
    enabled: (at) => at !== LogLevel.Off && at <= level,
    child: (child) =>
      createLogger({ level, sink, redactor, scope: scope ? `${scope}/${child}` : child }),
  };
}

/** A logger that prints nothing (tests, benchmarks). */
export const silentLogger: Logger = createLogger({ level: LogLevel.Off, sink: () => {} });

/**
 * Numbers, sizes, durations and dates as the page shows them, formatted with Intl for the UI
 * language (the words around them come from the message catalogue).
 */
import { getLocale } from '../paraglide/runtime';
import { m } from '../paraglide/messages';

const formatters = new Map<string, Intl.NumberFormat>();

/** A cached Intl.NumberFormat for the current UI language. */
function numberFormat(options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${getLocale()}|${JSON.stringify(options)}`;
  let format = formatters.get(key);
  if (!format) formatters.set(key, (format = new Intl.NumberFormat(getLocale(), options)));
  return format;
}

/** An integer count with the locale's grouping, e.g. '10,000'. */
export function formatCount(n: number): string {
  return numberFormat({ maximumFractionDigits: 0 }).format(n);
}

/** A number with exactly `digits` decimals, e.g. formatFixed(0.1234, 3) = '0.123'. */
export function formatFixed(n: number, digits: number): string {
  return numberFormat({ minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false }).format(n);
}

/** A fraction in [0, 1] as a percentage with `digits` decimals (one by default), e.g. '12.3%'. */
export function formatPercent(fraction: number, digits = 1): string {
  return numberFormat({ style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(fraction);
}

/** Bytes as B, KB, MB or GB (1024-based, one decimal under 10). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return numberFormat({ style: 'unit', unit: 'byte', unitDisplay: 'short' }).format(bytes);
  const units = ['kilobyte', 'megabyte', 'gigabyte'] as const;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = value < 10 ? 1 : 0;
  return numberFormat({ style: 'unit', unit: units[unit], unitDisplay: 'short', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

/** A remaining time in words ('estimating…' while unknown). */
export function formatDuration(ms: number | null): string {
  if (ms === null) return m.duration_estimating();
  if (ms < 1000) return m.duration_under_second();
  const s = Math.round(ms / 1000);
  return s < 60 ? m.duration_seconds({ s: formatCount(s) }) : m.duration_minutes({ min: formatCount(Math.floor(s / 60)), s: formatCount(s % 60) });
}

/** Milliseconds as seconds with one decimal, e.g. '2.4 s'. */
export function formatSeconds(ms: number): string {
  return m.unit_seconds({ s: formatFixed(ms / 1000, 1) });
}

/** A date and time in the locale's usual form. */
export function formatDateTime(date: Date | string | number): string {
  return new Intl.DateTimeFormat(getLocale(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(date));
}

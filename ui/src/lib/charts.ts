// Charts for outcome measures, and the words and numbers they share with the
// tables beside them.
//
// Chart.js draws on a <canvas>, which a screen reader cannot read: every chart
// in Refrain sits next to a table (or a written summary) with the same numbers.
// Only the pieces used here are registered, so the rest of Chart.js is left out
// of the bundle. Nothing here reaches the network.
import type { Chart, ChartConfiguration, ChartDataset, PointStyle } from 'chart.js';
import type { Change, Instrument, Item, Rater } from './bindings';

/**
 * Chart.js is loaded the first time a chart is shown, as a chunk of its own
 * inside the app (so starting Refrain doesn't wait for it), with only the
 * controllers, elements and plugins used here registered.
 */
let loading: Promise<typeof Chart> | null = null;
async function load(): Promise<typeof Chart> {
  const {
    BarController,
    BarElement,
    CategoryScale,
    Chart,
    Legend,
    LinearScale,
    LineController,
    LineElement,
    PointElement,
    Tooltip,
  } = await import('chart.js');
  Chart.register(
    BarController,
    BarElement,
    CategoryScale,
    LinearScale,
    LineController,
    LineElement,
    PointElement,
    Legend,
    Tooltip,
  );
  return Chart;
}
function chartJs(): Promise<typeof Chart> {
  loading ??= load().catch((e) => {
    loading = null;
    throw e;
  });
  return loading;
}

// ---------- Colours ----------

/**
 * Series colours: the Okabe–Ito colour-blind-safe set, darkened where needed so
 * every colour has at least 4.5:1 contrast with white (lines and bars must
 * stand out from the card at 3:1; these do better). Shape and dash tell series
 * apart too, so colour is never the only difference.
 */
export const SERIES_COLOURS = ['#0072B2', '#B84F00', '#007A5E', '#A8457F', '#1E1B17'] as const;
/** Before is blue, after is dark orange: the pair most people can tell apart. */
export const BEFORE_COLOUR = SERIES_COLOURS[0];
export const AFTER_COLOUR = SERIES_COLOURS[1];
const POINT_STYLES: PointStyle[] = ['circle', 'triangle', 'rect', 'rectRot', 'star'];
const DASHES: number[][] = [[], [8, 4], [2, 3], [10, 3, 2, 3], [4, 4]];
const TEXT = '#1E1B17';
const GRID = '#D9D0C3';

export function reducedMotion(): boolean {
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function'
    ? window.matchMedia('(prefers-reduced-motion: reduce)').matches
    : false;
}

/** How a line series looks: colour, point shape and dash all differ by index. */
export function lineSeries(index: number, label: string, data: (number | null)[]): ChartDataset<'line'> {
  const colour = SERIES_COLOURS[index % SERIES_COLOURS.length];
  return {
    label,
    data,
    borderColor: colour,
    backgroundColor: colour,
    borderWidth: 3,
    borderDash: DASHES[index % DASHES.length],
    pointStyle: POINT_STYLES[index % POINT_STYLES.length],
    pointRadius: 6,
    pointHoverRadius: 8,
    spanGaps: true,
  };
}

/** A bar series; the second (after) is drawn with a dark border so the pair differ by more than hue. */
export function barSeries(index: number, label: string, data: (number | null)[]): ChartDataset<'bar'> {
  const colour = SERIES_COLOURS[index % SERIES_COLOURS.length];
  return {
    label,
    data,
    backgroundColor: colour,
    borderColor: index % 2 === 1 ? TEXT : colour,
    borderWidth: index % 2 === 1 ? 2 : 0,
  };
}

/** Options every Refrain chart shares: readable type, no motion when asked, y from the scale. */
export function baseOptions(yMin: number, yMax: number, yTitle: string): ChartConfiguration['options'] {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: reducedMotion() ? false : { duration: 250 },
    color: TEXT,
    font: { size: 15 },
    plugins: {
      legend: { position: 'bottom', labels: { color: TEXT, usePointStyle: true, font: { size: 15 } } },
      tooltip: { enabled: true },
    },
    scales: {
      x: { ticks: { color: TEXT, font: { size: 14 } }, grid: { color: GRID } },
      y: {
        min: yMin,
        max: yMax,
        title: { display: !!yTitle, text: yTitle, color: TEXT, font: { size: 14 } },
        ticks: { color: TEXT, font: { size: 14 }, precision: 0 },
        grid: { color: GRID },
      },
    },
  };
}

// ---------- The Svelte action ----------

/**
 * `<canvas use:chart={config}>`: makes the chart, redraws it when the config
 * changes, and destroys it with the canvas. Does nothing where a canvas can't
 * be drawn on (tests, very old systems): the table beside it still says it all.
 */
export function chart(node: HTMLCanvasElement, config: ChartConfiguration) {
  let instance: Chart | null = null;
  let current = config;
  let gone = false;
  let ctx: CanvasRenderingContext2D | null = null;
  try {
    ctx = typeof node.getContext === 'function' ? node.getContext('2d') : null;
  } catch {
    ctx = null;
  }
  if (ctx) {
    const context = ctx;
    chartJs().then(
      (C) => {
        if (!gone) instance = new C(context, current);
      },
      () => {
        // No chart, but the table beside it has every number.
      },
    );
  }
  return {
    update(next: ChartConfiguration) {
      current = next;
      if (!instance) return;
      instance.data = next.data;
      if (next.options) instance.options = next.options;
      instance.update(reducedMotion() ? 'none' : undefined);
    },
    destroy() {
      gone = true;
      instance?.destroy();
      instance = null;
    },
  };
}

// ---------- Words and numbers shared by charts and their tables ----------

export { RATERS, RATER_LABELS, RATER_WORDS, TIMING_LABELS, BAND_LABELS } from './vocabulary';
import { RATER_WORDS } from './vocabulary';

/** Who rated, in a heading ("Rated by a carer, on the person's behalf"). */
export const RATED_BY: Record<Rater, string> = {
  self: `Rated by ${RATER_WORDS.self}`,
  therapist: `Rated by ${RATER_WORDS.therapist}, on the person’s behalf`,
  carer: `Rated by ${RATER_WORDS.carer}, on the person’s behalf`,
  staff: `Rated by ${RATER_WORDS.staff}, on the person’s behalf`,
};

/** A mean or score for reading: two decimals ("3.50"); a dash when there is none. */
export function formatScore(n: number | null | undefined, digits = 2): string {
  if (n == null || !Number.isFinite(n)) return '–';
  return n.toFixed(digits);
}

/** A change in points with its sign ("+0.83", "−0.50", "0.00"). */
export function formatPoints(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return '–';
  const s = Math.abs(n).toFixed(2);
  if (Number(s) === 0) return '0.00';
  return n > 0 ? `+${s}` : `−${s}`;
}

/** A percent change with its sign ("+29.4%"); the core gives none when there was no baseline. */
export function formatPercent(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return 'no baseline';
  const s = Math.abs(n).toFixed(1);
  if (Number(s) === 0) return '0.0%';
  return n > 0 ? `+${s}%` : `−${s}%`;
}

export function formatChange(c: Change | null | undefined): string {
  if (!c) return '–';
  return `${formatPoints(c.points)} (${formatPercent(c.percent)})`;
}

/**
 * A short name for an item, for a column heading or a cell's label: one-word
 * items by their word ("Happy"), longer questions by their key ("Satisfied")
 * or number ("Item 3").
 */
export function shortItem(item: Item, index: number): string {
  const text = item.text.trim();
  if (text.length <= 24) return text;
  if (/^item-\d+$/.test(item.key)) return `Item ${index + 1}`;
  return item.key.charAt(0).toUpperCase() + item.key.slice(1).replace(/-/g, ' ');
}

/** Whether a lower score is the better one for the measure as a whole (every item lower-is-better). */
export function lowerIsBetter(instrument: Instrument): boolean {
  return instrument.items.length > 0 && instrument.items.every((i) => i.lowerIsBetter);
}

/** The word for people who moved the worse way: their mean "fell" (or "rose", where lower is better). */
export function worseWord(instrument: Instrument | null | undefined): string {
  return instrument && lowerIsBetter(instrument) ? 'Rose (worse)' : 'Fell';
}

/** "1 to 5 (lowest to highest)". */
export function describeScale(instrument: Instrument): string {
  const { min, max, minLabel, maxLabel } = instrument.scale;
  const ends = minLabel && maxLabel ? ` (${minLabel} to ${maxLabel})` : '';
  return `${min} to ${max}${ends}`;
}

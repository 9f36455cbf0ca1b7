// The public face of render/: the CLI, TUI and server import from here only.
export { renderAlerts, renderSilences } from './alerts.ts';
export { renderHealth } from './health.ts';
export { type HistoryTimeFormatter, renderEvents, renderHistory } from './history.ts';
export { renderInstances } from './instances.ts';
export {
  formatUtcTime,
  type MonitorTick,
  renderMonitorNdjson,
  renderMonitorTable,
  type TimeFormatter,
} from './monitor.ts';
export {
  isOutputFormat,
  OUTPUT_FORMATS,
  type OutputFormat,
  type RenderOptions,
} from './options.ts';
export { displayPercent, formatPercent } from './percent.ts';
export { offsetText, type ProbeRenderOptions, renderProbes } from './probes.ts';
export { renderServices } from './services.ts';
export { sparkline } from './sparkline.ts';
export { type InfoTimeFormatter, renderStoreInfo } from './store-info.ts';
export { stripAnsi } from './style.ts';
export { plural, sanitize } from './text.ts';
export { formatTraffic } from './traffic.ts';

import type { InstanceStatus, ServiceStatus } from '../core/types.ts';
import type { Cell } from './table.ts';

/**
 * A status as a table cell: the word itself so it reads without colour
 * (`FLAGGED` shouts so it stands out in a pipe too), plus its colour.
 */
export function statusCell(status: InstanceStatus | ServiceStatus): Cell {
  switch (status) {
    case 'healthy':
    case 'ok':
      return { text: status, style: 'green' };
    case 'unhealthy':
      return { text: status, style: 'yellow' };
    case 'unreachable':
      return { text: status, style: 'red' };
    case 'flagged':
      return { text: 'FLAGGED', style: 'red' };
  }
}

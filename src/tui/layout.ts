/** A terminal's size in character cells. */
export interface Size {
  readonly columns: number;
  readonly rows: number;
}

/** Lines above the table: three on a normal screen, one when the screen is very short. */
export function headerHeight(size: Size): number {
  return size.rows >= 10 ? 3 : 1;
}

/** Table rows that fit under the header lines, the column titles and the footer. */
export function bodyHeight(size: Size): number {
  return Math.max(0, size.rows - headerHeight(size) - 2);
}

import type { Scene } from './scene';

/** A station's size in the kitchen's drawing units (its text is sized in the same units). */
export const STATION_W = 220;
export const STATION_H = 300;
/** Above each line of stations: a band for the kitchens' names. */
export const NAME_BAND = 26;
/** The gap between two kitchens (processes) on a line. */
export const ROOM_GAP = 28;
/** Stations drawn at most; the rest are summed up ("+12 more cooks in the timeline"). */
export const MAX_STATIONS = 16;
/** Smallest scale a station is drawn at (its 17-unit names stay at 13 px and up); past it, lines wrap. */
export const MIN_SCALE = 0.78;

/** Where a kitchen's part on one line is drawn. */
export interface RoomPart {
  readonly room: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  /** The first part of its room: it carries the room's label. */
  readonly first: boolean;
}

export interface KitchenLayout {
  /** Each shown station's top-left corner. */
  readonly at: readonly { readonly x: number; readonly y: number }[];
  readonly parts: readonly RoomPart[];
  readonly width: number;
  readonly height: number;
}

/**
 * Lays the shown stations out in lines as wide as `lineUnits`, a kitchen's stations side by side with
 * a gap between kitchens; a kitchen that does not fit on a line goes on (a part on each line).
 */
export function layoutKitchen(scene: Scene, shown: number, lineUnits: number): KitchenLayout {
  const at: { x: number; y: number }[] = [];
  const parts: RoomPart[] = [];
  const perLine = Math.max(STATION_W, lineUnits);
  let x = 0;
  let line = 0;
  let width = 0;
  let room = -1;
  for (let i = 0; i < shown; i++) {
    const r = scene.stations[i].room;
    const newRoom = r !== room;
    if (newRoom && x > 0) x += ROOM_GAP;
    if (x > 0 && x + STATION_W > perLine) {
      line++;
      x = 0;
    }
    const y = line * STATION_H;
    at.push({ x, y });
    const last = parts.at(-1);
    if (!newRoom && last && last.y === y) parts[parts.length - 1] = { ...last, width: x + STATION_W - last.x };
    else parts.push({ room: r, x, y, width: STATION_W, first: newRoom });
    room = r;
    x += STATION_W;
    width = Math.max(width, x);
  }
  return { at, parts, width: Math.max(width, STATION_W), height: (line + 1) * STATION_H };
}

/** How many lines' width suits a box: as many stations a line as fit at MIN_SCALE, at most all of them. */
export function lineUnitsFor(boxWidthPx: number, shown: number, rooms: number): number {
  const fit = Math.max(1, Math.floor(boxWidthPx / (STATION_W * MIN_SCALE)));
  const perLine = Math.min(Math.max(1, shown), fit);
  return perLine * STATION_W + (perLine >= shown ? Math.max(0, rooms - 1) * ROOM_GAP : 0);
}

/**
 * Breaks a station's words into at most `maxLines` lines of about `perLine` characters, at spaces (a
 * word longer than a line is split). Only what still does not fit is cut, with an ellipsis at the end
 * of the last line (the whole text stays in the station's tooltip).
 */
export function wrapLines(text: string, perLine: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let rest = word;
    while (rest.length > 0) {
      const joined = line ? `${line} ${rest}` : rest;
      if (joined.length <= perLine) {
        line = joined;
        rest = '';
      } else if (line) {
        lines.push(line);
        line = '';
      } else {
        lines.push(rest.slice(0, perLine));
        rest = rest.slice(perLine);
      }
    }
  }
  if (line) lines.push(line);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  const last = kept[maxLines - 1];
  kept[maxLines - 1] = `${last.length >= perLine ? last.slice(0, perLine - 1) : last}…`;
  return kept;
}

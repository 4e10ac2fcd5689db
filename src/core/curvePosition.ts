/**
 * Where a point sits along a curve-shaped dataset such as the spiral, as a number from 0 (one end) to
 * 1 (the other): a colour that tells the inner turn of the spiral from the outer one, which a polar
 * angle cannot.
 *
 * The curve is the data's own k-nearest-neighbour graph (edges weighted by distance, made symmetric):
 * along a densely sampled curve, neighbours lie on the same stretch of it, so graph distance is arc
 * length (Isomap's geodesic estimate, Tenenbaum et al. 2000). k = 16 bridges the chance gaps of random
 * sampling along the curve (k = 8 leaves some for 1500 points on the spiral), and 16 neighbours still
 * lie well within one arm of the spiral, whose arms are 0.75 apart. The ends are found by a double sweep (the
 * point farthest from any point is an end; the point farthest from that end is the other one), and the
 * end nearer the data's centroid (the spiral's centre) is 0.
 */

/** The data's k-NN graph as adjacency lists of [neighbour, distance], both directions of each edge. */
function neighbourGraph(data: Float64Array, k: number): { to: number[]; length: number[] }[] {
  const m = data.length / 2;
  const graph = Array.from({ length: m }, () => ({ to: [] as number[], length: [] as number[] }));
  const nearest = new Int32Array(k);
  const nearestD = new Float64Array(k);
  for (let i = 0; i < m; i++) {
    nearestD.fill(Infinity);
    for (let j = 0; j < m; j++) {
      if (j === i) continue;
      const d = (data[2 * i] - data[2 * j]) ** 2 + (data[2 * i + 1] - data[2 * j + 1]) ** 2;
      if (d >= nearestD[k - 1]) continue;
      let slot = k - 1;
      while (slot > 0 && nearestD[slot - 1] > d) {
        nearestD[slot] = nearestD[slot - 1];
        nearest[slot] = nearest[slot - 1];
        slot--;
      }
      nearestD[slot] = d;
      nearest[slot] = j;
    }
    for (let s = 0; s < k; s++) {
      const j = nearest[s];
      const d = Math.sqrt(nearestD[s]);
      graph[i].to.push(j);
      graph[i].length.push(d);
      graph[j].to.push(i);
      graph[j].length.push(d);
    }
  }
  return graph;
}

/** Dijkstra's shortest path lengths from `source` (O(m²) without a heap, fine for a few thousand points). */
function pathLengths(graph: { to: number[]; length: number[] }[], source: number): Float64Array {
  const m = graph.length;
  const distance = new Float64Array(m).fill(Infinity);
  const done = new Uint8Array(m);
  distance[source] = 0;
  for (let round = 0; round < m; round++) {
    let u = -1;
    for (let i = 0; i < m; i++) if (!done[i] && (u < 0 || distance[i] < distance[u])) u = i;
    if (distance[u] === Infinity) break; // the rest is unreachable
    done[u] = 1;
    const { to, length } = graph[u];
    for (let e = 0; e < to.length; e++) {
      const through = distance[u] + length[e];
      if (through < distance[to[e]]) distance[to[e]] = through;
    }
  }
  return distance;
}

function farthest(distance: Float64Array): number {
  let best = 0;
  for (let i = 1; i < distance.length; i++) if (distance[i] > distance[best]) best = i;
  return best;
}

/**
 * Each data point's position along the curve the data traces, in [0, 1]. Throws a RangeError when the
 * k-NN graph falls apart into pieces (data that is not one curve, or too sparse for k).
 */
export function curvePositions(data: Float64Array, k = 16): Float64Array {
  if (data.length % 2 !== 0) throw new RangeError(`data must hold interleaved 2D points (even length), got ${data.length}`);
  const m = data.length / 2;
  if (!Number.isInteger(k) || k < 1 || k > m - 1) {
    throw new RangeError(`k must be an integer from 1 to ${m - 1} (points − 1), got ${k}`);
  }
  const graph = neighbourGraph(data, k);
  const fromFirst = pathLengths(graph, 0);
  if (fromFirst.some((d) => d === Infinity)) {
    throw new RangeError(`data must trace one connected curve: its ${k}-nearest-neighbour graph falls apart`);
  }
  const endA = farthest(fromFirst);
  const fromA = pathLengths(graph, endA);
  const endB = farthest(fromA);
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < m; i++) {
    cx += data[2 * i] / m;
    cy += data[2 * i + 1] / m;
  }
  const toCentre = (i: number) => Math.hypot(data[2 * i] - cx, data[2 * i + 1] - cy);
  const fromStart = toCentre(endA) <= toCentre(endB) ? fromA : pathLengths(graph, endB);
  const total = fromStart[farthest(fromStart)];
  return fromStart.map((d) => (total > 0 ? d / total : 0));
}

/** For each point, the index of its nearest data point. */
export function nearestIndices(points: Float64Array, data: Float64Array): Int32Array {
  if (points.length % 2 !== 0 || data.length % 2 !== 0 || data.length === 0) {
    throw new RangeError(`points and data must hold interleaved 2D points (even length, data non-empty)`);
  }
  const out = new Int32Array(points.length / 2);
  for (let p = 0; p < out.length; p++) {
    const x = points[2 * p];
    const y = points[2 * p + 1];
    let best = 0;
    let bestD = Infinity;
    for (let j = 0; j < data.length; j += 2) {
      const d = (x - data[j]) ** 2 + (y - data[j + 1]) ** 2;
      if (d < bestD) {
        bestD = d;
        best = j / 2;
      }
    }
    out[p] = best;
  }
  return out;
}

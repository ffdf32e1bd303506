/**
 * Standard normal variates by the ziggurat method (Marsaglia & Tsang 2000, J. Stat. Softw. 5(8)),
 * 128 layers, driven by the sfc32 generator (Doty-Humphrey's Small Fast Counting generator, as in
 * PractRand). Seeded per stream from seedrandom's Alea hash of the stream key, so each
 * (run seed, network, parameter) stream stays independent of batching. About 5× faster in V8
 * than Box–Muller over Alea, and the weight draws are a large share of the sampler's time.
 */
import seedrandom from 'seedrandom';

const LAYERS = 128;
const R = 3.442619855899; // x_{127}: start of the tail (Marsaglia & Tsang, Table 1)
const V = 9.91256303526217e-3; // area of each layer

const kn = new Int32Array(LAYERS);
const wn = new Float64Array(LAYERS);
const fn = new Float64Array(LAYERS);
{
  // Layer boundaries x_i from the recursion of Marsaglia & Tsang, section 3; f(x) = exp(−x²/2).
  const m1 = 2147483648.0;
  let dn = R;
  let tn = dn;
  const q = V / Math.exp(-0.5 * dn * dn);
  kn[0] = Math.floor((dn / q) * m1);
  kn[1] = 0;
  wn[0] = q / m1;
  wn[LAYERS - 1] = dn / m1;
  fn[0] = 1.0;
  fn[LAYERS - 1] = Math.exp(-0.5 * dn * dn);
  for (let i = LAYERS - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(V / dn + Math.exp(-0.5 * dn * dn)));
    kn[i + 1] = Math.floor((dn / tn) * m1);
    tn = dn;
    fn[i] = Math.exp(-0.5 * dn * dn);
    wn[i] = dn / m1;
  }
}

let drawn = 0;

/** Normals drawn by every stream of this thread so far (benchmarks divide it by networks). */
export function normalsDrawn(): number {
  return drawn;
}

/**
 * sfc32 state, four 32-bit words, in an Int32Array: as object fields, V8 boxes 32-bit integers that
 * do not fit its 31-bit small integers, which cost the hot loop a factor of two.
 */
export class NormalStream {
  private readonly s = new Int32Array(4);

  constructor(key: string) {
    const h = seedrandom.alea(key);
    this.s[0] = h.int32();
    this.s[1] = h.int32();
    this.s[2] = h.int32();
    this.s[3] = 1;
    // Discard the first outputs so nearby keys decorrelate (as PractRand's seeding does).
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Next uint32 as a signed int32. */
  private next(): number {
    const s = this.s;
    const a = s[0];
    const b = s[1];
    const c = s[2];
    const d = s[3];
    const t = (((a + b) | 0) + d) | 0;
    s[3] = (d + 1) | 0;
    s[0] = b ^ (b >>> 9);
    s[1] = (c + (c << 3)) | 0;
    const r = (c << 21) | (c >>> 11);
    s[2] = (r + t) | 0;
    return t;
  }

  /** A uniform on (0, 1). */
  private uniform(): number {
    return ((this.next() >>> 0) + 0.5) / 4294967296;
  }

  normal(): number {
    const hz = this.next();
    const iz = hz & 127;
    const sign = hz >> 31;
    if ((hz ^ sign) - sign < kn[iz]) return hz * wn[iz];
    return this.slow(hz, iz);
  }

  /** The wedge and tail cases of the ziggurat, entered with a draw the fast path rejected. */
  private slow(first: number, firstLayer: number): number {
    let hz = first;
    let iz = firstLayer;
    for (;;) {
      if (iz === 0) {
        // The tail beyond R (Marsaglia 1964).
        let x: number;
        let y: number;
        do {
          x = -Math.log(this.uniform()) / R;
          y = -Math.log(this.uniform());
        } while (y + y < x * x);
        return hz > 0 ? R + x : -R - x;
      }
      const x = hz * wn[iz];
      if (fn[iz] + this.uniform() * (fn[iz - 1] - fn[iz]) < Math.exp(-0.5 * x * x)) return x;
      hz = this.next();
      iz = hz & 127;
      const sign = hz >> 31;
      if ((hz ^ sign) - sign < kn[iz]) return hz * wn[iz];
    }
  }

  /**
   * The hot loop: the generator state lives in locals and the ziggurat's fast path (about 99 % of
   * draws) is inlined; the rare slow path runs on the stored state, written back around it.
   */
  fill(out: Float32Array | Float64Array, offset: number, count: number): void {
    const s = this.s;
    drawn += count;
    let a = s[0];
    let b = s[1];
    let c = s[2];
    let d = s[3];
    const end = offset + count;
    for (let i = offset; i < end; i++) {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) | 0;
      const iz = t & 127;
      // |t| without a negation: V8 compiles −t as a float operation (−0 and overflow), which
      // made this loop four times slower. |−2³¹| = 2³¹ here too (no |0), so the test stays exact.
      const sign = t >> 31;
      if ((t ^ sign) - sign < kn[iz]) {
        out[i] = t * wn[iz];
        continue;
      }
      s[0] = a;
      s[1] = b;
      s[2] = c;
      s[3] = d;
      out[i] = this.slow(t, iz);
      a = s[0];
      b = s[1];
      c = s[2];
      d = s[3];
    }
    s[0] = a;
    s[1] = b;
    s[2] = c;
    s[3] = d;
  }
}

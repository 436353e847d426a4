import * as tf from '@tensorflow/tfjs';

export interface MemoryReport {
  /** Tensors alive in the tfjs engine. */
  liveTensors: number;
  /** Bytes those tensors hold. */
  tensorBytes: number;
  /** Resident set size of the process (Node.js only). */
  residentBytes?: number;
}

/** How much memory the tfjs engine and the process hold now; leaks show up as growth. */
export function memoryReport(): MemoryReport {
  const engine = tf.memory();
  const report: MemoryReport = { liveTensors: engine.numTensors, tensorBytes: engine.numBytes };
  if (typeof process !== 'undefined' && typeof process.memoryUsage === 'function') {
    report.residentBytes = process.memoryUsage().rss;
  }
  return report;
}

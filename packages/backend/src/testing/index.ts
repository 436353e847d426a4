export { expectNoLeakedTensors } from './expect-no-leaked-tensors.js';
export { type CloseOptions, expectTensorsClose, type Numeric } from './expect-tensors-close.js';
export { onStockCpu } from './on-stock-cpu.js';

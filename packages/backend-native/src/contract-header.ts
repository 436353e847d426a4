import { ACTIVATIONS, BINARY_OPS, ENTRY_POINTS } from '@residual/native-contract';

/** `squaredDifference` → `SquaredDifference`: the C++ spelling of a contract name. */
function pascal(name: string): string {
  return name[0]!.toUpperCase() + name.slice(1);
}

function enumeration(name: string, codes: Record<string, number>): string[] {
  const entries = Object.entries(codes);
  return [
    `enum class ${name} : int32_t {`,
    ...entries.map(([key, code]) => `  k${pascal(key)} = ${code},`),
    '};',
    `constexpr int64_t k${name}Count = ${entries.length};`,
  ];
}

/** "0 (linear), 1 (relu) or 2 (relu6)": the accepted codes, for error messages. */
function choices(codes: Record<string, number>): string {
  const listed = Object.entries(codes).map(([key, code]) => `${code} (${key})`);
  return `${listed.slice(0, -1).join(', ')} or ${listed.at(-1)}`;
}

/**
 * csrc/contract.h, rendered from @residual/native-contract: the operation codes as C++ enums, and
 * the entry points as an X-macro list `X(jsName, CppFunction, requiredArgs)` from which the addon
 * declares and registers its functions.
 */
export function contractHeader(): string {
  const width = Math.max(...Object.keys(ENTRY_POINTS).map((name) => name.length));
  return [
    '// GENERATED from @residual/native-contract by src/contract-header.test.ts; do not edit.',
    '// Regenerate with `pnpm --filter @residual/backend-native generate:contract`.',
    '#pragma once',
    '#include <cstdint>',
    '',
    'namespace residual {',
    '',
    ...enumeration('BinaryOp', BINARY_OPS),
    '',
    ...enumeration('Activation', ACTIVATIONS),
    `constexpr const char* kActivationChoices = "${choices(ACTIVATIONS)}";`,
    '',
    '}  // namespace residual',
    '',
    '// Every entry point of the addon: X(name in JavaScript, C++ function, required arguments).',
    '#define RESIDUAL_ENTRY_POINTS(X) \\',
    ...Object.entries(ENTRY_POINTS).map(
      ([name, count]) => `  X(${`${name},`.padEnd(width + 1)} ${pascal(name)}, ${count}) \\`,
    ),
    '',
    '',
  ].join('\n');
}

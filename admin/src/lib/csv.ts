/**
 * CSV as spreadsheets read it (RFC 4180, CRLF). Cells that a spreadsheet would run as a formula
 * (= + - @ and control characters first) get a leading apostrophe: exported data comes partly
 * from customers and M-Pesa, and must not become a formula on the operator's computer.
 */
export function toCsv(header: string[], rows: (string | number | null)[][]): string {
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

function cell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n']/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

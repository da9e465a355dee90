export async function greeting(name: string): Promise<string> {
  return `hello, ${name}`;
}

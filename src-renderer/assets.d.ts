/** Vite turns an imported image into its URL in the build. */
declare module '*.svg' {
  const url: string;
  export default url;
}

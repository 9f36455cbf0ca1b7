// Vite turns CSS imports into <link> tags; to the type checker they are side-effect modules.
declare module '*.css';

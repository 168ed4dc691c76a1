/** @jsxRuntime automatic @jsxImportSource preact */
import { render } from 'preact';
import './styles/console.css';
import { App } from './ui/App.tsx';

const root = document.getElementById('app')!;
root.removeAttribute('aria-busy');
render(<App />, root);

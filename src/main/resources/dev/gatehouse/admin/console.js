// console.js placeholder

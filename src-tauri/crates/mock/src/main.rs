fn main() {
    println!("halley-mock: {}", halley_mock::DEFAULT_ADDR);
}

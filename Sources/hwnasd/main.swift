print("hwnasd placeholder")
